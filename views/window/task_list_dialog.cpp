#include "window/task_list_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QMap>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "timeline/time_scale.h"

namespace kestrel {
namespace {

enum Column { Pid, Comm, Tgid, Events, CpuTime, ColumnCount };
constexpr int kPidRole = Qt::UserRole;
constexpr int kSortRole = Qt::UserRole + 1;

// Sorts numeric columns by value, not by text.
class TaskItem : public QTreeWidgetItem {
public:
    using QTreeWidgetItem::QTreeWidgetItem;
    bool operator<(const QTreeWidgetItem& other) const override {
        int c = treeWidget() ? treeWidget()->sortColumn() : 0;
        QVariant a = data(c, kSortRole), b = other.data(c, kSortRole);
        if (a.isValid() && b.isValid()) return a.toULongLong() < b.toULongLong();
        return QTreeWidgetItem::operator<(other);
    }
};

void setRow(QTreeWidgetItem* item, const TaskSummary& t) {
    item->setText(Pid, QString::number(t.pid));
    item->setText(Comm, QString::fromStdString(t.comm));
    item->setText(Tgid, t.tgid >= 0 ? QString::number(t.tgid) : QString());
    item->setText(Events, QString::number(t.events));
    item->setText(CpuTime, QString::fromStdString(formatDuration(t.cpuTime)));
    if (t.tailTime > 0) {
        item->setToolTip(CpuTime, QObject::tr("running that its events prove; up to %1 more after "
                                              "its last events, where no sched_switch recorded "
                                              "when it stopped")
                                      .arg(QString::fromStdString(formatDuration(t.tailTime))));
    }
    item->setData(Pid, kSortRole, qulonglong(t.pid));
    item->setData(Events, kSortRole, qulonglong(t.events));
    item->setData(CpuTime, kSortRole, qulonglong(t.cpuTime));
    item->setData(Pid, kPidRole, t.pid);
}

}  // namespace

TaskListDialog::TaskListDialog(const SchedTimeline& timeline, TimelineState* state, QWidget* parent)
    : QDialog(parent), m_timeline(timeline), m_state(state) {
    setWindowTitle(tr("Tasks"));
    resize(640, 520);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search pid, comm or tgid"));
    m_search->setClearButtonEnabled(true);
    m_tree = new QTreeWidget(this);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("pid"), tr("comm"), tr("tgid"), tr("events"), tr("CPU time")});
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setSortingEnabled(true);
    m_tree->header()->setSectionResizeMode(Comm, QHeaderView::Stretch);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* add = buttons->addButton(tr("Add to timeline"), QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_tree);
    layout->addWidget(buttons);
    connect(m_search, &QLineEdit::textChanged, this, &TaskListDialog::applyFilter);
    connect(add, &QPushButton::clicked, this, &TaskListDialog::addSelected);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        if (item->data(Pid, kPidRole).isValid())
            m_state->addTask(item->data(Pid, kPidRole).toInt());
    });
    fill();
    m_tree->sortByColumn(CpuTime, Qt::DescendingOrder);
}

// Threads under their process (tgid); tasks without a known tgid stand alone.
void TaskListDialog::fill() {
    QMap<int, QTreeWidgetItem*> processes;
    for (const TaskSummary& t : m_timeline.taskList) {
        if (t.tgid <= 0 || t.tgid == t.pid) continue;
        if (!processes.contains(t.tgid)) {
            auto* proc = new TaskItem(m_tree);
            const TaskSummary* leader = m_timeline.task(t.tgid);
            TaskSummary row = leader ? *leader : TaskSummary{t.tgid, t.tgid, t.comm, 0, 0};
            setRow(proc, row);
            if (!leader) proc->setData(Pid, kPidRole, QVariant());
            processes[t.tgid] = proc;
        }
    }
    for (const TaskSummary& t : m_timeline.taskList) {
        QTreeWidgetItem* parent = t.tgid > 0 && t.tgid != t.pid ? processes.value(t.tgid) : nullptr;
        if (!parent && processes.contains(t.pid)) continue;  // the leader row exists already
        auto* item = parent ? new TaskItem(parent) : new TaskItem(m_tree);
        setRow(item, t);
    }
}

void TaskListDialog::setFilterText(const QString& text) {
    m_search->setText(text);
}

void TaskListDialog::applyFilter() {
    const QString needle = m_search->text().trimmed();
    auto matches = [&](QTreeWidgetItem* item) {
        if (needle.isEmpty()) return true;
        for (int c : {Pid, Comm, Tgid}) {
            if (item->text(c).contains(needle, Qt::CaseInsensitive)) return true;
        }
        return false;
    };
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* top = m_tree->topLevelItem(i);
        bool any = matches(top);
        for (int k = 0; k < top->childCount(); ++k) {
            bool m = matches(top->child(k)) || matches(top);
            top->child(k)->setHidden(!m);
            any |= m;
        }
        top->setHidden(!any);
        if (!needle.isEmpty() && any) top->setExpanded(true);
    }
}

int TaskListDialog::visibleTaskCount() const {
    int n = 0;
    for (QTreeWidgetItemIterator it(m_tree, QTreeWidgetItemIterator::NotHidden); *it; ++it) {
        if ((*it)->data(Pid, kPidRole).isValid()) ++n;
    }
    return n;
}

void TaskListDialog::addSelected() {
    for (QTreeWidgetItem* item : m_tree->selectedItems()) {
        if (item->data(Pid, kPidRole).isValid())
            m_state->addTask(item->data(Pid, kPidRole).toInt());
    }
}

}  // namespace kestrel
