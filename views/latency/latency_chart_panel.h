#pragma once
// The latency histogram of one kind (Qt Charts) with its axis, breakdown and overlay
// controls and the percentile list beside it. docs/latency.md, "The histogram", says
// what a user sees.
#include <QString>
#include <QWidget>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "analysis/latency.h"
#include "latency/latency_chart_bins.h"

class QChartView;

namespace kestrel {

// The histogram of one kind's latencies with its controls: axes, breakdown, percentiles,
// export. Optionally a second trace's latencies of the same kind overlaid.
class LatencyChartPanel : public QWidget {
    Q_OBJECT
public:
    explicit LatencyChartPanel(QWidget* parent = nullptr);
    ~LatencyChartPanel() override;
    // `whole`: the percentiles of every instance when the caller has them (a background
    // pass computes them with the analysis, so that the UI thread does not select them).
    void setLatencies(std::shared_ptr<const Latencies> data, const QString& label,
                      std::optional<LatencyPercentiles> whole = std::nullopt);
    void setComparison(std::shared_ptr<const Latencies> other, const QString& label);  // null: none
    // Only instances whose start lies in [from, to) count; from == to: the whole trace.
    // The comparison trace is not restricted (it is another recording).
    void setTimeRange(uint64_t from, uint64_t to);
    void clearBrush();
    // Whether a count of a big result is still running on its thread: until it lands, the
    // chart shows the previous one.
    bool counting() const;
    // For tests and the screenshot script:
    void setLogLatencyAxis(bool log);
    void setLogCountAxis(bool log);
    enum class Breakdown { None, Stacked, One };
    void setBreakdown(Breakdown mode, uint32_t key = 0);  // key: with One
    QString percentileText() const;  // what the percentile list shows, one line each
    bool exportPng(const QString& path) const;
    bool exportCsv(const QString& path) const;
    QChartView* chartView() const;  // tests drag on it

    // What Breakdown splits by; Key only where the kind has keys (latencyKeyTitle).
    void setBreakdownField(LatencyField field);
    // Names a task in the legend and the item chooser ("comm-pid"); without it, "pid N".
    void setTaskNamer(std::function<QString(int32_t pid)> namer);
    // Where linear buckets end (the default: the maximum). What lies beyond is not drawn
    // and not in the CSV: the list counts it as "above".
    void setLinearUpTo(LatencyUpTo upTo);
    // The comparison drawn scaled to the main trace's count (the default), else as counted.
    void setScaleComparison(bool scale);
    // The histogram as drawn: bucket b is [edges[b], edges[b + 1]). A brush covers whole
    // buckets: brushed() reports the lower edge of the first and the upper of the last.
    const LatencyChartData& histogram() const;
    // What hovering over bucket b says: its range, count and share, each layer's count,
    // the comparison's.
    QString bucketText(size_t bucket) const;

signals:
    // The user dragged across the latency axis: instances with latency in [low, high) ns.
    // Always bucket edges: low is the lower edge of the first bucket under the drag, high
    // the upper edge of the last, so the selection is exactly the shaded bars.
    void brushed(uint64_t lowNs, uint64_t highNs);
    void brushCleared();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace kestrel
