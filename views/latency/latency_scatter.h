#pragma once
// Latency over time: one dot per pixel that holds at least one instance (time on x,
// latency on a log scale on y), darker for more instances. The instances are binned
// to the pixel grid once per result, size or range, so painting costs O(pixels) however
// many millions of instances there are (binning waits for the first paint after a change,
// and runs on a thread of its own for big results). Each
// pixel keeps its largest instance: a click picks the one in the pixels around the mouse with the
// largest latency.
#include <QImage>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "analysis/latency.h"

namespace kestrel {

class BackgroundPass;
struct Progress;

// The instances binned onto the plot's pixels.
struct ScatterBins {
    QImage dots;
    std::vector<int64_t> largest;   // per pixel, column by column: its largest instance, or -1
    double logMin = 0, logMax = 1;  // log10 of the latency axis' ends
    uint64_t maxLatency = 0;
};

class LatencyScatter : public QWidget {
    Q_OBJECT
public:
    explicit LatencyScatter(QWidget* parent = nullptr);

    void setLatencies(std::shared_ptr<const Latencies> latencies);
    // The time axis: [from, to) of the trace, or the selected range.
    void setTimeRange(uint64_t from, uint64_t to);
    void setMarked(std::optional<uint32_t> instance);  // ringed: the chosen instance

    // Geometry, in widget coordinates (tests): where an instance is drawn, and the
    // instance a click at `pos` picks.
    QRect plotRect() const;
    QPointF pointOf(uint32_t instance) const;
    std::optional<uint32_t> instanceAt(QPoint pos) const;
    void paintTo(QPainter& p);

    QSize sizeHint() const override { return {360, 160}; }

signals:
    void instanceClicked(uint32_t instance);

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;

private:
    void invalidate();
    void ensureBinned() const;
    void rebin();
    void apply(ScatterBins bins);
    void binInBackground();
    void paintBins(QPainter& p, bool mark);
    double yFor(uint64_t latency) const;

    std::shared_ptr<const Latencies> m_latencies;
    uint64_t m_from = 0, m_to = 0;
    double m_logMin = 0, m_logMax = 1;  // log10 of the latency axis' ends
    uint64_t m_maxLatency = 0;
    QImage m_dots;                   // plotRect()'s size: the binned instances
    std::vector<int64_t> m_largest;  // per pixel, column by column: its largest instance, or -1
    std::optional<uint32_t> m_marked;
    bool m_binned = false;
    uint64_t m_generation = 0;  // of the inputs: a binning of older ones is dropped
    BackgroundPass* m_pass;
};

}  // namespace kestrel
