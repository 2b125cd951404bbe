#include "events/filter_panel.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace kestrel {
namespace {

constexpr int kIdRole = Qt::UserRole + 1;

void addItem(QListWidget* list, const QString& text, int id, bool checked = true) {
    auto* item = new QListWidgetItem(text, list);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    item->setData(kIdRole, id);
}

// The checked ids, or none when every item is checked (no filter).
template <class T>
std::vector<T> checkedIds(const QListWidget* list) {
    std::vector<T> ids;
    bool all = true;
    for (int i = 0; i < list->count(); ++i) {
        const QListWidgetItem* item = list->item(i);
        if (item->checkState() == Qt::Checked)
            ids.push_back(static_cast<T>(item->data(kIdRole).toInt()));
        else
            all = false;
    }
    if (all)
        ids.clear();
    else if (ids.empty())
        ids.push_back(static_cast<T>(-0x7fffffff));  // nothing selected
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace

FilterPanel::FilterPanel(const TraceModel& model, const EventFormats& formats, QWidget* parent)
    : QWidget(parent), m_model(model), m_formats(formats) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_tasks = makeList(tr("Tasks"), layout);
    m_events = makeList(tr("Events"), layout);
    m_cpus = makeList(tr("CPUs"), layout);
    for (uint32_t c = 0; c < model.cpuCount(); ++c) {
        if (model.cpu(c).frames.empty()) continue;  // a CPU without data (e.g. a top buffer)
        addItem(m_cpus, QString::fromStdString(model.cpuLabel(c)), static_cast<int>(c));
    }
    for (const EventType& t : formats.types()) {
        addItem(m_events, QString::fromStdString(t.system + ":" + t.name), t.id);
    }
    layout->addWidget(new QLabel(tr("Advanced (libtraceevent syntax)"), this));
    m_advanced = new QLineEdit(this);
    m_advanced->setPlaceholderText(QStringLiteral("sched_switch: prev_prio < 100"));
    m_advanced->setClearButtonEnabled(true);
    layout->addWidget(m_advanced);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->setVisible(false);
    layout->addWidget(m_error);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &FilterPanel::filterChanged);
    for (QListWidget* list : {m_tasks, m_events, m_cpus}) {
        connect(list, &QListWidget::itemChanged, this, [this] { m_debounce.start(); });
    }
    connect(m_advanced, &QLineEdit::returnPressed, this, &FilterPanel::filterChanged);
}

QListWidget* FilterPanel::makeList(const QString& title, QVBoxLayout* layout) {
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(title, this), 1);
    auto* list = new QListWidget(this);
    list->setUniformItemSizes(true);
    for (auto [label, state] :
         {std::pair{tr("all"), Qt::Checked}, std::pair{tr("none"), Qt::Unchecked}}) {
        auto* b = new QPushButton(label, this);
        b->setFlat(true);
        b->setMaximumHeight(20);
        row->addWidget(b);
        connect(b, &QPushButton::clicked, this, [this, list, state = state] {
            QSignalBlocker block(list);
            for (int i = 0; i < list->count(); ++i) list->item(i)->setCheckState(state);
            m_debounce.start();
        });
    }
    layout->addLayout(row);
    layout->addWidget(list, 1);
    return list;
}

void FilterPanel::setScan(const ScanResult& scan, const EventFilter& current) {
    {
        // Thousands of tasks: one insertion of all rows, then one change per row (items
        // are checkable by default), 2.5x faster than inserting items one by one.
        QSignalBlocker block(m_tasks);
        m_tasks->clear();
        QStringList texts;
        texts.reserve(static_cast<qsizetype>(scan.eventsByPid.size()));
        for (const PidCount& p : scan.eventsByPid) {
            QString name = QString::fromStdString(scan.tasks.comm(p.pid));
            texts << QStringLiteral("%1-%2  (%3)").arg(name).arg(p.pid).arg(p.events);
        }
        m_tasks->addItems(texts);
        QAbstractItemModel* model = m_tasks->model();
        for (int i = 0; i < m_tasks->count(); ++i) {
            const int32_t pid = scan.eventsByPid[static_cast<size_t>(i)].pid;
            const Qt::CheckState check = current.selectsPid(pid) ? Qt::Checked : Qt::Unchecked;
            model->setItemData(model->index(i, 0),
                               {{Qt::CheckStateRole, static_cast<int>(check)}, {kIdRole, pid}});
        }
    }
    QSignalBlocker block(m_events);
    m_events->clear();
    for (const EventType& t : m_formats.types()) {
        uint64_t n = static_cast<size_t>(t.id) < scan.eventsByType.size()
                         ? scan.eventsByType[static_cast<size_t>(t.id)]
                         : 0;
        if (n == 0) continue;  // only what the trace holds
        addItem(m_events,
                QStringLiteral("%1:%2  (%3)")
                    .arg(QString::fromStdString(t.system), QString::fromStdString(t.name))
                    .arg(n),
                t.id, current.selectsType(t.id));
    }
}

EventFilter FilterPanel::filter() const {
    EventFilter f;
    f.pids = checkedIds<int32_t>(m_tasks);
    f.eventIds = checkedIds<int>(m_events);
    std::vector<uint32_t> cpus = checkedIds<uint32_t>(m_cpus);
    if (!cpus.empty()) {
        f.cpus.assign(m_model.cpuCount(), false);
        for (uint32_t c : cpus) {
            if (c < f.cpus.size()) f.cpus[c] = true;
        }
    }
    f.advanced = m_advanced->text().trimmed().toStdString();
    return f;
}

void FilterPanel::showFilter(const EventFilter& filter) {
    auto check = [](QListWidget* list, auto selects) {
        QSignalBlocker block(list);
        for (int i = 0; i < list->count(); ++i) {
            QListWidgetItem* item = list->item(i);
            item->setCheckState(selects(item->data(kIdRole).toInt()) ? Qt::Checked : Qt::Unchecked);
        }
    };
    check(m_tasks, [&](int pid) { return filter.selectsPid(pid); });
    check(m_events, [&](int id) { return filter.selectsType(id); });
    check(m_cpus, [&](int cpu) { return filter.selectsCpu(static_cast<uint32_t>(cpu)); });
    QSignalBlocker block(m_advanced);
    m_advanced->setText(QString::fromStdString(filter.advanced));
}

void FilterPanel::setAdvancedError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QString FilterPanel::advancedError() const {
    return m_error->isHidden() ? QString() : m_error->text();
}

}  // namespace kestrel
