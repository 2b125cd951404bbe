#include "latency/latency_scatter.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "jobs/background_pass.h"
#include "timeline/time_scale.h"

namespace kestrel {

namespace {
constexpr int kLeft = 64;  // the latency labels
constexpr int kBottom = 18;
constexpr int kTop = 6;
constexpr int kRight = 8;
// Results this big are binned off the UI thread (about 20 ms of a core per million).
constexpr size_t kBinInBackground = 500'000;
}  // namespace

LatencyScatter::LatencyScatter(QWidget* parent)
    : QWidget(parent), m_pass(new BackgroundPass(this)) {
    setMinimumSize(200, 100);
    setMouseTracking(false);
}

void LatencyScatter::setLatencies(std::shared_ptr<const Latencies> latencies) {
    m_latencies = std::move(latencies);
    m_marked.reset();
    invalidate();
}

void LatencyScatter::setTimeRange(uint64_t from, uint64_t to) {
    if (from == m_from && to == m_to) return;
    m_from = from;
    m_to = to;
    invalidate();
}

// Binning waits for the next paint (or question about a point), so that a new result, its
// range and a resize cost one pass, and a hidden tab none.
void LatencyScatter::invalidate() {
    m_binned = false;
    ++m_generation;
    m_pass->cancel();
    update();
}

void LatencyScatter::ensureBinned() const {
    if (!m_binned) const_cast<LatencyScatter*>(this)->rebin();
}

void LatencyScatter::setMarked(std::optional<uint32_t> instance) {
    m_marked = instance;
    update();
}

QRect LatencyScatter::plotRect() const {
    return QRect(kLeft, kTop, std::max(1, width() - kLeft - kRight),
                 std::max(1, height() - kTop - kBottom));
}

double LatencyScatter::yFor(uint64_t latency) const {
    const QRect r = plotRect();
    const double v = std::log10(double(std::max<uint64_t>(latency, 1)));
    const double f = (v - m_logMin) / std::max(1e-9, m_logMax - m_logMin);
    return r.bottom() - f * (r.height() - 1);
}

QPointF LatencyScatter::pointOf(uint32_t i) const {
    ensureBinned();
    const QRect r = plotRect();
    const double span = double(std::max<uint64_t>(m_to - m_from, 1));
    const double x = r.left() + double(m_latencies->start[i] - m_from) / span * (r.width() - 1);
    return {x, yFor(m_latencies->latency[i])};
}

namespace {

// One pass over the instances in [from, to) onto a plot of `size` pixels: O(instances),
// once per result, size or range; painting then draws the image. Runs on a pass thread
// for big results.
ScatterBins binScatter(const Latencies* latencies, uint64_t from, uint64_t to, QSize size,
                       const Progress* cancel) {
    ScatterBins out;
    const QSize r = size;
    out.dots = QImage(size, QImage::Format_ARGB32_Premultiplied);
    out.dots.fill(Qt::transparent);
    out.largest.assign(size_t(r.width()) * size_t(r.height()), -1);
    out.maxLatency = 0;
    if (!latencies || latencies->size() == 0 || to <= from) return out;
    const Latencies& l = *latencies;
    auto lo = std::lower_bound(l.start.begin(), l.start.end(), from);
    auto hi = std::lower_bound(lo, l.start.end(), to);
    const size_t first = size_t(lo - l.start.begin()), last = size_t(hi - l.start.begin());
    uint64_t minLatency = UINT64_MAX;
    for (size_t i = first; i < last; ++i) {
        minLatency = std::min(minLatency, l.latency[i]);
        out.maxLatency = std::max(out.maxLatency, l.latency[i]);
    }
    if (first == last) return out;
    out.logMin = std::floor(std::log10(double(std::max<uint64_t>(minLatency, 1))));
    out.logMax = std::max(out.logMin + 1,
                          std::ceil(std::log10(double(std::max<uint64_t>(out.maxLatency, 1)))));
    // The same mapping as pointOf, in floats and log2 (cheaper per instance than log10).
    const int w = r.width(), h = r.height();
    const float xScale = float(w - 1) / float(std::max<uint64_t>(to - from, 1));
    const float yScale = float(h - 1) / float((out.logMax - out.logMin) / std::log10(2.0));
    const float log2Min = float(out.logMin / std::log10(2.0));
    std::vector<uint32_t> counts(out.largest.size(), 0);
    for (size_t i = first; i < last; ++i) {
        if ((i & 0xffff) == 0 && cancelled(cancel)) return out;  // a newer binning replaces it
        const int x = std::clamp(int(float(l.start[i] - from) * xScale), 0, w - 1);
        const float lg = std::log2(float(std::max<uint64_t>(l.latency[i], 1)));
        const int y = std::clamp(int(float(h - 1) - (lg - log2Min) * yScale), 0, h - 1);
        // Column by column: the instances come in start order, so x only grows and the
        // cells touched stay within one column's few kilobytes.
        const size_t cell = size_t(x) * size_t(h) + size_t(y);
        ++counts[cell];
        if (out.largest[cell] < 0 || l.latency[size_t(out.largest[cell])] < l.latency[i])
            out.largest[cell] = int64_t(i);
    }
    // Each occupied pixel is drawn as a 3x3 dot, so that a lone instance is seen.
    for (int y = 0; y < r.height(); ++y) {
        for (int x = 0; x < r.width(); ++x) {
            const uint32_t n = counts[size_t(x) * size_t(r.height()) + size_t(y)];
            if (n == 0) continue;
            // One instance is mid blue; a hundred or more are the darkest.
            const double shade = std::clamp(std::log10(double(n)) / 2.0, 0.0, 1.0);
            const QRgb colour =
                qRgb(int(70 - 50 * shade), int(110 - 80 * shade), int(200 - 90 * shade));
            for (int dy = -1; dy <= 1; ++dy) {
                if (y + dy < 0 || y + dy >= r.height()) continue;
                auto* line = reinterpret_cast<QRgb*>(out.dots.scanLine(y + dy));
                for (int dx = -1; dx <= 1; ++dx) {
                    if (x + dx >= 0 && x + dx < r.width()) line[x + dx] = colour;
                }
            }
        }
    }
    return out;
}

}  // namespace

void LatencyScatter::rebin() {
    if (m_pass->running()) m_pass->cancel();
    apply(binScatter(m_latencies.get(), m_from, m_to, plotRect().size(), nullptr));
    m_binned = true;
}

void LatencyScatter::apply(ScatterBins bins) {
    m_dots = std::move(bins.dots);
    m_largest = std::move(bins.largest);
    m_logMin = bins.logMin;
    m_logMax = bins.logMax;
    m_maxLatency = bins.maxLatency;
}

// A big result is binned on a pass thread: the last picture stays until the new one is
// ready (the UI thread never walks millions of instances).
void LatencyScatter::binInBackground() {
    const uint64_t generation = m_generation;
    auto bins = std::make_shared<ScatterBins>();
    m_pass->start(
        [latencies = m_latencies, from = m_from, to = m_to, size = plotRect().size(), bins](
            Progress& progress) { *bins = binScatter(latencies.get(), from, to, size, &progress); },
        [this, bins, generation] {
            if (generation != m_generation) return;
            apply(std::move(*bins));
            m_binned = true;
            update();
        });
}

std::optional<uint32_t> LatencyScatter::instanceAt(QPoint pos) const {
    ensureBinned();
    const QRect r = plotRect();
    if (m_largest.empty() || !r.adjusted(-3, -3, 3, 3).contains(pos)) return std::nullopt;
    const QPoint at = pos - r.topLeft();
    int64_t best = -1;
    for (int dy = -3; dy <= 3; ++dy) {
        for (int dx = -3; dx <= 3; ++dx) {
            const int x = at.x() + dx, y = at.y() + dy;
            if (x < 0 || y < 0 || x >= r.width() || y >= r.height()) continue;
            const int64_t i = m_largest[size_t(x) * size_t(r.height()) + size_t(y)];
            if (i >= 0 &&
                (best < 0 || m_latencies->latency[size_t(i)] > m_latencies->latency[size_t(best)]))
                best = i;
        }
    }
    if (best < 0) return std::nullopt;
    return uint32_t(best);
}

void LatencyScatter::paintTo(QPainter& p) {
    ensureBinned();
    paintBins(p, true);
}

void LatencyScatter::paintBins(QPainter& p, bool mark) {
    p.fillRect(rect(), Qt::white);
    const QRect r = plotRect();
    p.setPen(QColor(200, 200, 200));
    p.drawRect(r.adjusted(0, 0, -1, -1));
    if (m_maxLatency == 0) {
        p.setPen(Qt::darkGray);
        p.drawText(r, Qt::AlignCenter, tr("No instances in this range"));
        return;
    }
    // Latency grid lines at each power of ten, labelled on the left.
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    for (int e = int(m_logMin); e <= int(m_logMax); ++e) {
        const double y = yFor(uint64_t(std::pow(10.0, e)));
        p.setPen(QColor(230, 230, 230));
        p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y));
        p.setPen(Qt::darkGray);
        p.drawText(QRectF(0, y - 8, kLeft - 4, 16), Qt::AlignRight | Qt::AlignVCenter,
                   QString::fromStdString(formatDuration(uint64_t(std::pow(10.0, e)))));
    }
    p.drawImage(r.topLeft(), m_dots);
    p.setPen(Qt::darkGray);
    const QString from = QString::number(double(m_from) / 1e9, 'f', 3);
    const QString to = QString::number(double(m_to) / 1e9, 'f', 3);
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), kBottom - 2), Qt::AlignLeft, from);
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), kBottom - 2), Qt::AlignRight,
               tr("%1 s").arg(to));
    if (mark && m_marked && m_latencies && *m_marked < m_latencies->size()) {
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(QColor(230, 100, 0), 2));
        p.drawEllipse(pointOf(*m_marked), 5, 5);
    }
}

void LatencyScatter::paintEvent(QPaintEvent*) {
    QPainter p(this);
    if (m_binned || !m_latencies || m_latencies->size() < kBinInBackground) return paintTo(p);
    if (!m_pass->running()) binInBackground();
    paintBins(p, false);
}

void LatencyScatter::resizeEvent(QResizeEvent*) {
    invalidate();
}

void LatencyScatter::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    if (auto i = instanceAt(e->pos())) emit instanceClicked(*i);
}

}  // namespace kestrel
