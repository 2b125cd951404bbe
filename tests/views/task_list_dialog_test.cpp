#include "window/task_list_dialog.h"

#include <gtest/gtest.h>

#include <QTreeWidget>

#include "qt_test_app.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

const SchedTimeline& timeline() {
    static SchedTimeline t = [] {
        auto model = std::move(*TraceModel::open(test::dataPath("sched-irq-timer.dat")));
        auto formats = std::move(*EventFormats::create(model->meta()));
        return std::move(*analyzeSched(*model, *formats));
    }();
    return t;
}

QTreeWidgetItem* findPid(QTreeWidget* tree, int pid) {
    for (QTreeWidgetItemIterator it(tree); *it; ++it) {
        if ((*it)->text(0) == QString::number(pid)) return *it;
    }
    return nullptr;
}

TEST(TaskListDialog, ListsEveryTaskWithCommAndCounts) {
    TimelineState state;
    TaskListDialog dialog(timeline(), &state);
    EXPECT_EQ(dialog.visibleTaskCount(), int(timeline().taskList.size()));
    QTreeWidgetItem* item = findPid(dialog.tree(), 1534);
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(item->text(1), "memfd:sealed-91");
    EXPECT_EQ(item->text(3).toULongLong(), timeline().task(1534)->events);
}

TEST(TaskListDialog, SearchKeepsMatchingTasks) {
    TimelineState state;
    TaskListDialog dialog(timeline(), &state);
    dialog.setFilterText("sealed");
    EXPECT_GE(dialog.visibleTaskCount(), 1);
    EXPECT_LT(dialog.visibleTaskCount(), int(timeline().taskList.size()));
    EXPECT_FALSE(findPid(dialog.tree(), 1534)->isHidden());
    EXPECT_TRUE(findPid(dialog.tree(), 5782)->isHidden());
}

TEST(TaskListDialog, AddPutsSelectedTasksOnTheTimeline) {
    TimelineState state;
    TaskListDialog dialog(timeline(), &state);
    findPid(dialog.tree(), 1534)->setSelected(true);
    findPid(dialog.tree(), 5782)->setSelected(true);
    dialog.addSelected();
    EXPECT_TRUE(state.tasks().contains(1534));
    EXPECT_TRUE(state.tasks().contains(5782));
    EXPECT_EQ(state.tasks().size(), 2);
}

// trace.dat keeps no saved_tgids: the tgid column comes from the events that create
// tasks. bash-5785 forks 5788, which execs dd (sched_process_fork, sched_process_exec).
TEST(TaskListDialog, TgidColumnIsFilledFromTheTrace) {
    TimelineState state;
    TaskListDialog dialog(timeline(), &state);
    QTreeWidgetItem* dd = findPid(dialog.tree(), 5788);
    ASSERT_NE(dd, nullptr);
    EXPECT_EQ(dd->text(2), "5788");
}

// tokio-rt-worker (67) has no event of its own: sched_switch switches it in and nothing
// records when it stops. Its CPU time is what its events prove (none); the rest is said.
TEST(TaskListDialog, CpuTimeOfATaskWithoutEventsIsNotMadeUp) {
    TimelineState state;
    TaskListDialog dialog(timeline(), &state);
    QTreeWidgetItem* worker = findPid(dialog.tree(), 67);
    ASSERT_NE(worker, nullptr);
    EXPECT_EQ(worker->text(3), "0");
    EXPECT_EQ(worker->data(4, Qt::UserRole + 1).toULongLong(), 0u);
    EXPECT_TRUE(worker->toolTip(4).contains("no sched_switch recorded"))
        << worker->toolTip(4).toStdString();
}

// A hand-made task list with a process of two threads.
TEST(TaskListDialog, ThreadsAreGroupedUnderTheirProcess) {
    SchedTimeline t;
    t.taskList = {{100, 100, "server", 10, 1000},
                  {101, 100, "worker", 5, 500},
                  {102, 100, "worker", 1, 9},
                  {200, -1, "lonely", 3, 30}};
    TimelineState state;
    TaskListDialog dialog(t, &state);
    QTreeWidgetItem* leader = findPid(dialog.tree(), 100);
    ASSERT_NE(leader, nullptr);
    EXPECT_EQ(leader->parent(), nullptr);
    EXPECT_EQ(leader->childCount(), 2);
    EXPECT_EQ(findPid(dialog.tree(), 101)->parent(), leader);
    EXPECT_EQ(findPid(dialog.tree(), 200)->parent(), nullptr);
    dialog.setFilterText("worker");
    EXPECT_EQ(dialog.visibleTaskCount(), 3);  // two workers and their process row
    EXPECT_FALSE(leader->isHidden());         // kept as the group of the matching threads
}

}  // namespace
}  // namespace kestrel
