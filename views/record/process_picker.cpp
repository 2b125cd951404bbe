#include "process_picker.h"

#include <QDir>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <set>

namespace kestrel {
namespace {

QString readSmall(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromLocal8Bit(f.read(4096));
}

// Pids sort as numbers, not as text.
class PidItem : public QTreeWidgetItem {
public:
    using QTreeWidgetItem::QTreeWidgetItem;
    bool operator<(const QTreeWidgetItem& other) const override {
        const int col = treeWidget() ? treeWidget()->sortColumn() : 0;
        if (col == 0) return text(0).toInt() < other.text(0).toInt();
        return QTreeWidgetItem::operator<(other);
    }
};

}  // namespace

ProcessPicker::ProcessPicker(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* top = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search pid, name or command line"));
    m_search->setClearButtonEnabled(true);
    auto* reload = new QPushButton(tr("Refresh"), this);
    top->addWidget(m_search, 1);
    top->addWidget(reload);
    m_list = new QTreeWidget(this);
    m_list->setHeaderLabels({tr("PID"), tr("Name"), tr("Command line")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setSortingEnabled(true);
    m_list->sortByColumn(0, Qt::AscendingOrder);
    m_list->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_list->setColumnWidth(0, 70);
    m_list->setColumnWidth(1, 130);
    layout->addLayout(top);
    layout->addWidget(m_list, 1);
    connect(m_search, &QLineEdit::textChanged, this, &ProcessPicker::applySearch);
    connect(reload, &QPushButton::clicked, this, &ProcessPicker::refresh);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &ProcessPicker::changed);
    refresh();
}

void ProcessPicker::refresh() {
    const std::vector<int> kept = chosenPids();
    m_list->setSortingEnabled(false);
    m_list->clear();
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString& entry : entries) {
        bool numeric = false;
        const int pid = entry.toInt(&numeric);
        if (!numeric) continue;
        const QString dir = QStringLiteral("/proc/") + entry;
        QString comm = readSmall(dir + QStringLiteral("/comm")).trimmed();
        QString cmdline = readSmall(dir + QStringLiteral("/cmdline"));
        cmdline.replace(QChar(0), QChar(' '));
        auto* item = new PidItem(m_list, {QString::number(pid), comm, cmdline.trimmed()});
        item->setToolTip(2, cmdline.trimmed());
    }
    m_list->setSortingEnabled(true);
    setChosenPids(kept);
    applySearch();
}

std::vector<int> ProcessPicker::chosenPids() const {
    std::set<int> pids;
    for (const QTreeWidgetItem* item : m_list->selectedItems()) pids.insert(item->text(0).toInt());
    return {pids.begin(), pids.end()};
}

void ProcessPicker::setChosenPids(const std::vector<int>& pids) {
    const std::set<int> wanted(pids.begin(), pids.end());
    m_list->clearSelection();
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_list->topLevelItem(i);
        if (wanted.count(item->text(0).toInt())) item->setSelected(true);
    }
}

void ProcessPicker::setSearch(const QString& text) {
    m_search->setText(text);
}

int ProcessPicker::visibleCount() const {
    int n = 0;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) n += !m_list->topLevelItem(i)->isHidden();
    return n;
}

void ProcessPicker::applySearch() {
    const QString text = m_search->text().trimmed();
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_list->topLevelItem(i);
        const bool hit = text.isEmpty() || item->text(0) == text ||
                         item->text(1).contains(text, Qt::CaseInsensitive) ||
                         item->text(2).contains(text, Qt::CaseInsensitive);
        item->setHidden(!hit);
    }
}

}  // namespace kestrel
