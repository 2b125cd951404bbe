#pragma once
// The window's views of function_graph calls. Once the sched analysis has landed, the
// call trees are built on a thread of their own (a BackgroundPass: the status bar shows
// its progress, and Cancel stops it) with an EventFormats instance of their own, since
// the UI thread's instance is not to be shared. The trees then go to the views that
// show calls: the flame chart in the timeline, the call in the details pane, the flame
// graph and the function table (tabs of the bottom area).
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <vector>

#include "analysis/call_tree.h"

namespace kestrel {

class BackgroundPass;
class EventFormats;
class TraceModel;

class CallViews : public QObject {
    Q_OBJECT
public:
    explicit CallViews(QObject* parent = nullptr);
    ~CallViews() override;

    // Starts the build when the trace has function_graph records: `eventsByType` counts
    // the records per event id (the sched analysis' scan), since every trace.dat carries
    // the funcgraph formats whether its tracer wrote any or not. `formats` is the UI
    // thread's instance, asked only for the ids. False when there is nothing to build.
    bool start(std::shared_ptr<const TraceModel> model, const EventFormats& formats,
               const std::vector<uint64_t>& eventsByType);
    void cancel();  // the build stops; what was shown stays
    void clear();   // the trace goes: the build stops, the trees go
    bool running() const;
    bool cancelled() const { return m_cancelled; }
    std::shared_ptr<const CallTrees> trees() const { return m_trees; }
    BackgroundPass* pass() const { return m_pass; }
    // The build the pass runs: buildCallTrees, unless a test holds it to act while it runs.
    using Build =
        std::function<Result<CallTrees>(const TraceModel&, const EventFormats&, Progress*)>;
    void setBuild(Build build) { m_build = std::move(build); }

signals:
    // The trees of the current trace are built (`trees` null and `error` set when the
    // build failed).
    void built(std::shared_ptr<const kestrel::CallTrees> trees, const QString& error);

private:
    BackgroundPass* m_pass;
    std::shared_ptr<const CallTrees> m_trees;
    bool m_cancelled = false;
    Build m_build;
};

}  // namespace kestrel
