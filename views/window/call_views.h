#pragma once
// The window's views of function_graph calls and stack samples. Once the sched analysis
// has landed, the call trees are built on a thread of their own (a BackgroundPass: the
// status bar shows its progress, and Cancel stops it) with an EventFormats instance of
// their own, since the UI thread's instance is not to be shared. The trees then go to
// the views that show calls: the flame chart in the timeline, the call in the details
// pane, the "Flame graph" and "Functions" tabs of the bottom area. A trace with stack
// samples and no calls gets the "Flame graph" tab alone.
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "analysis/call_tree.h"

namespace kestrel {

class BackgroundPass;
class EventFormats;
class FlamePanel;
class FunctionTable;
class MainWindow;
class TraceModel;

// Whether the trace holds records of an event: `eventsByType` counts them per event id
// (the sched analysis' scan). Every trace.dat carries the ftrace formats (funcgraph_entry,
// kernel_stack...) whether its tracer wrote any or not, so the formats alone do not tell.
bool recordedEvent(const EventFormats& formats, const std::vector<uint64_t>& eventsByType,
                   std::string_view system, std::string_view name);

class CallViews : public QObject {
    Q_OBJECT
public:
    explicit CallViews(MainWindow* window);
    ~CallViews() override;

    // The views for the trace the window shows, and the build of its call trees when it
    // has function_graph records (`formats` is the UI thread's instance). False when there
    // is nothing to build.
    bool start(std::shared_ptr<const TraceModel> model, const EventFormats& formats,
               const std::vector<uint64_t>& eventsByType);
    void cancel();  // the build stops; what was shown stays
    void clear();   // the trace goes: the build stops, the trees and the tabs go
    bool running() const;
    bool cancelled() const { return m_cancelled; }
    std::shared_ptr<const CallTrees> trees() const { return m_trees; }
    BackgroundPass* pass() const { return m_pass; }
    FlamePanel* flamePanel() const { return m_flame; }
    FunctionTable* functionTable() const { return m_functions; }
    // The build the pass runs: buildCallTrees, unless a test holds it to act while it runs.
    using Build =
        std::function<Result<CallTrees>(const TraceModel&, const EventFormats&, Progress*)>;
    void setBuild(Build build) { m_build = std::move(build); }

signals:
    // The trees of the current trace are built (`trees` null and `error` set when the
    // build failed).
    void built(std::shared_ptr<const kestrel::CallTrees> trees, const QString& error);

private:
    void addTabs(bool calls);
    void deliver(std::shared_ptr<const CallTrees> trees);
    void selectCall(uint64_t span);

    MainWindow* m_window;
    BackgroundPass* m_pass;
    FlamePanel* m_flame = nullptr;  // owned by the bottom area; deleted by clear()
    FunctionTable* m_functions = nullptr;
    std::shared_ptr<const TraceModel> m_model;
    const EventFormats* m_formats = nullptr;
    std::shared_ptr<const CallTrees> m_trees;
    bool m_stacks = false;
    bool m_cancelled = false;
    Build m_build;
};

}  // namespace kestrel
