#include "window/stall_probe.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace kestrel {

StallProbe::StallProbe(QObject* parent)
    : QObject(parent), m_log(std::getenv("KESTREL_STALL_LOG") != nullptr) {
    m_timer.setInterval(5);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::note);
}

void StallProbe::start() {
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void StallProbe::setPhase(const QString& phase) {
    m_phase = phase;
}

void StallProbe::note() {
    const qint64 now = m_clock.nsecsElapsed();
    const double gap = static_cast<double>(now - m_lastNs) / 1e6;
    m_lastNs = now;
    if (gap > 20) m_gaps.push_back(gap);
    if (gap > 20 && m_log)
        std::fprintf(stderr, "kestrel: stall %.1f ms ending at %.1f ms (%s)\n", gap,
                     static_cast<double>(now) / 1e6, qPrintable(m_phase));
    if (gap > m_longestMs) {
        m_longestMs = gap;
        m_longestPhase = m_phase;
    }
}

double StallProbe::longestMs() {
    if (m_clock.isValid()) note();
    return m_longestMs;
}

int StallProbe::gapsOver(double ms) const {
    return static_cast<int>(
        std::count_if(m_gaps.begin(), m_gaps.end(), [ms](double g) { return g > ms; }));
}

}  // namespace kestrel
