#pragma once
// The window's "Latency" tab (latency/latency_panel.h) and what feeds it. Once the sched
// analysis has landed the tab comes, with the kinds the trace has the events for; the
// kind the user picks is analysed on a thread of its own (a BackgroundPass: the status
// bar shows its progress, and Cancel stops it) with an EventFormats instance of its own.
// The Function kind is made from the call trees CallViews built, never built again. The
// timeline's selection restricts what the tab shows; an instance chosen in it zooms the
// timeline to its interval, highlights it and selects its end event in the event table.
// File > Compare with... analyses the same kind on a second trace, opened in the
// background like the first, for the histogram's comparison.
#include <QObject>
#include <QString>
#include <array>
#include <functional>
#include <memory>
#include <vector>

#include "analysis/latency.h"
#include "analysis/sched_timeline.h"
#include "latency/latency_panel.h"

namespace kestrel {

class BackgroundPass;
class EventFormats;
class MainWindow;
class TraceModel;

// Per kind, why the trace cannot give it ("" when it can): `eventsByType` counts the
// records of each event id (SchedTimeline::counts), `calls` says whether the trace has
// function_graph calls.
std::array<QString, kLatencyKinds> latencyKindReasons(const EventFormats& formats,
                                                      const std::vector<uint64_t>& eventsByType,
                                                      bool calls);

class LatencyViews : public QObject {
    Q_OBJECT
public:
    explicit LatencyViews(MainWindow* window);
    ~LatencyViews() override;

    // The tab for the trace the window shows (`formats` is the UI thread's instance).
    void start(std::shared_ptr<const TraceModel> model, const EventFormats& formats,
               std::shared_ptr<const SchedTimeline> timeline);
    void clear();   // the trace goes: runs stop, the tab goes
    void cancel();  // the run stops; what was shown stays
    bool running() const;
    bool cancelled() const { return m_cancelled; }
    LatencyPanel* panel() const { return m_panel; }
    BackgroundPass* pass() const { return m_pass; }
    BackgroundPass* comparePass() const { return m_comparePass; }
    std::shared_ptr<const Latencies> latencies() const { return m_latencies; }
    std::shared_ptr<const Latencies> comparison() const { return m_comparison; }
    QString comparisonPath() const { return m_comparePath; }

    void run();  // the kind (and pair) the panel has chosen
    // Goes to instance `i` of the result: the timeline's highlight and range, the table's row.
    void showInstance(uint32_t i);
    // Analyses the current kind on the trace at `path` as the comparison ("": none).
    void compareWith(const QString& path);
    void removeComparison();

    // The analysis a run does: analyzeLatency, unless a test holds it to act while it runs.
    using Analysis = std::function<Result<Latencies>(const TraceModel&, const EventFormats&,
                                                     const LatencyRequest&, Progress*)>;
    void setAnalysis(Analysis analysis) { m_analysis = std::move(analysis); }

signals:
    void finished(bool ok);  // a run of the current trace ended (not when cancelled)
    void comparisonFinished(bool ok);

private:
    // `whole`: the percentiles of every instance, computed on the pass' thread.
    void deliver(std::shared_ptr<Latencies> result, const QString& error,
                 std::shared_ptr<const LatencyPercentiles> whole = nullptr);
    void runOnCalls();
    void runComparison();
    void followSelection();
    QString label(const QString& path) const;

    MainWindow* m_window;
    BackgroundPass* m_pass;
    BackgroundPass* m_comparePass;
    LatencyPanel* m_panel = nullptr;  // owned by the bottom area; deleted by clear()
    std::shared_ptr<const TraceModel> m_model;
    const EventFormats* m_formats = nullptr;
    std::shared_ptr<const SchedTimeline> m_timeline;
    std::shared_ptr<const Latencies> m_latencies;
    std::shared_ptr<const Latencies> m_comparison;
    LatencyRequest m_request;  // of m_latencies
    QString m_comparePath;
    bool m_cancelled = false;
    bool m_waitingForCalls = false;
    Analysis m_analysis;
};

}  // namespace kestrel
