#pragma once
// The "Flame graph" tab: a flame graph (or icicle) of the function_graph calls, or of the
// kernel_stack/user_stack samples, over a scope (the whole trace, some tasks, some CPUs,
// the selected range), alone or compared with markers A–B or with another trace file.
// Aggregation runs on a thread of its own when the trace is big; stack samples and the
// other trace file always do (they read the trace), each with an EventFormats of its own,
// as libtraceevent may not be used from two threads at once.
#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>
#include <string>
#include <vector>

#include "analysis/call_tree.h"
#include "analysis/flame_tree.h"
#include "decode/trace_model.h"
#include "flame/flame_graph_view.h"
#include "formats/event_formats.h"

class QComboBox;
class QLabel;
class QTimer;

namespace kestrel {

class BackgroundPass;
class TimelineState;

class FlamePanel : public QWidget {
    Q_OBJECT
public:
    enum Scope { kWholeTrace, kTasks, kCpus, kSelection };
    enum Source { kCalls, kStackSamples };
    enum Compare { kCompareOff, kCompareMarkers, kCompareFile };

    explicit FlamePanel(TimelineState* state, QWidget* parent = nullptr);
    ~FlamePanel() override;

    // A new trace drops the previous one's call trees: give it first, then its call trees
    // (and `uiFormats`, which also tell whether it has stack records) once they are built.
    void setTrace(std::shared_ptr<const TraceModel> model);
    // `stackRecords`: the trace holds kernel_stack or user_stack records (every trace.dat
    // carries their formats, so the formats alone do not tell).
    void setCallTrees(std::shared_ptr<const CallTrees> trees, const EventFormats* uiFormats,
                      bool stackRecords);

    // What the tool row sets; `ids` are pids for kTasks, CPU numbers for kCpus.
    void setScope(Scope scope, const QVector<int>& ids = {});
    void setSource(Source source);
    void setCompare(Compare compare);
    void compareWithFile(const QString& path);  // also sets kCompareFile
    void setIcicle(bool icicle);

    FlameGraphView* graph() const { return m_graph; }
    QString status() const;
    bool busy() const;

signals:
    void searchChanged(const QString& text);
    void treeShown();  // a new tree (or message) is on screen

private:
    struct Job;
    void buildToolRow();
    void onScopeChosen(int index);
    void onCompareChosen(int index);
    void scheduleUpdate();
    // What keeps the graph from being computed now, in words; empty when `job` is ready.
    QString prepare(Job& job);
    void recompute();
    void loadOtherFile();
    bool makeFilter(CallFilter& filter, QString& why) const;
    void display(std::shared_ptr<const FlameTree> tree, const QString& message);
    void updateSourceChoices();

    TimelineState* m_state;
    std::shared_ptr<const TraceModel> m_model;
    std::shared_ptr<const CallTrees> m_trees;
    std::shared_ptr<const std::vector<std::string>> m_names;  // per CallTrees function
    bool m_hasStacks = false;
    Scope m_scope = kWholeTrace;
    QVector<int> m_scopeIds;
    Source m_source = kCalls;
    Compare m_compare = kCompareOff;
    QString m_otherPath;
    std::shared_ptr<const FlameTree> m_other;  // the other file's tree, for m_otherSource
    Source m_otherSource = kCalls;
    QString m_otherError;

    QComboBox* m_scopeBox;
    QComboBox* m_sourceBox;
    QComboBox* m_modeBox;
    QComboBox* m_compareBox;
    QLabel* m_status;
    FlameGraphView* m_graph;
    BackgroundPass* m_pass;
    BackgroundPass* m_otherPass;
    QTimer* m_debounce;
};

}  // namespace kestrel
