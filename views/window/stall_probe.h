#pragma once
// How long the UI thread goes without getting back to its event loop. A 5 ms timer
// notes the largest gap between its ticks: while a slot, a paint or a layout runs on
// the UI thread the timer cannot fire, so a gap of N ms means the window did not
// answer input for about N ms (the gap includes the 5 ms period itself, so it is an
// upper bound). Used by KESTREL_EXIT_WHEN_IDLE (docs/performance.md): the window
// names the phase it is in, and the longest gap is reported with its phase.
// KESTREL_STALL_LOG=1 also prints every gap over 20 ms as it ends (probe clock).
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <vector>

namespace kestrel {

class StallProbe : public QObject {
    Q_OBJECT
public:
    explicit StallProbe(QObject* parent = nullptr);
    void start();
    // What the UI thread is about to do; a gap ending later is charged to it.
    void setPhase(const QString& phase);
    // Longest gap so far, counting the one still open at this call.
    double longestMs();
    QString longestPhase() const { return m_longestPhase; }
    int gapsOver(double ms) const;  // gaps (closed so far) longer than `ms`

private:
    void note();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    double m_longestMs = 0;
    QString m_phase;
    QString m_longestPhase;
    std::vector<double> m_gaps;  // gaps over 20 ms, for gapsOver()
    bool m_log = false;
};

}  // namespace kestrel
