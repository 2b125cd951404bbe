#pragma once
// The searchable task list: processes (tgid) with their threads, each with pid, comm,
// tgid, event count and CPU time. "Add" (or a double-click) puts the chosen tasks on
// the timeline as task tracks through TimelineState.
#include <QDialog>

#include "analysis/sched_timeline.h"
#include "timeline/timeline_state.h"

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace kestrel {

class TaskListDialog : public QDialog {
    Q_OBJECT
public:
    TaskListDialog(const SchedTimeline& timeline, TimelineState* state, QWidget* parent = nullptr);
    void setFilterText(const QString& text);
    int visibleTaskCount() const;  // threads shown under the current filter
    QTreeWidget* tree() const { return m_tree; }
    void addSelected();

private:
    void fill();
    void applyFilter();

    const SchedTimeline& m_timeline;
    TimelineState* m_state;
    QLineEdit* m_search = nullptr;
    QTreeWidget* m_tree = nullptr;
};

}  // namespace kestrel
