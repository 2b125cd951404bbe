#include "events/filter_panel.h"

#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
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
    // Fixed-width, like the caret line under an error: columns line up.
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_advanced = new QLineEdit(this);
    m_advanced->setFont(fixed);
    m_advanced->setPlaceholderText(QStringLiteral("sched_switch: prev_prio < 100"));
    m_advanced->setToolTip(
        tr("EVENTS: EXPRESSION, e.g. sched_switch: prev_comm =~ \"^kworker\" && prev_prio < 120. "
           "Fields of the named events, numbers and quoted strings; == != < <= > >= =~ !~ "
           "&& || ! ( ); COMM is the task's name, CPU the event's CPU. Enter applies."));
    m_advanced->setClearButtonEnabled(true);
    layout->addWidget(m_advanced);
    m_errorPlace = new QLabel(this);
    m_errorPlace->setObjectName(QStringLiteral("advancedErrorWhere"));
    m_errorPlace->setFont(fixed);
    m_errorPlace->setTextFormat(Qt::PlainText);
    m_errorPlace->setStyleSheet(QStringLiteral("color: #b00020"));
    m_errorPlace->setVisible(false);
    layout->addWidget(m_errorPlace);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("advancedError"));
    m_error->setTextFormat(Qt::PlainText);
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
    fitToContent();
}

// The event and CPU lists are as tall as their rows (up to a limit, then they scroll); the
// task list, usually the long one, takes what they leave.
void FilterPanel::fitToContent() {
    for (auto [list, most] : {std::pair{m_events, 12}, std::pair{m_cpus, 8}}) {
        const int rows = std::clamp(list->count(), 1, most);
        const int rowHeight = list->count() > 0 ? list->sizeHintForRow(0) : fontMetrics().height();
        list->setMaximumHeight(rows * rowHeight + 2 * list->frameWidth());
    }
}

int FilterPanel::contentWidth() const {
    int widest = 0;
    for (const QListWidget* list : {m_tasks, m_events, m_cpus}) {
        widest = std::max(widest, list->sizeHintForColumn(0) + 2 * list->frameWidth() +
                                      list->verticalScrollBar()->sizeHint().width());
    }
    const QMargins m = layout()->contentsMargins();
    return widest + m.left() + m.right();
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
    fitToContent();
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

void FilterPanel::setAdvancedError(const QString& message, int column) {
    // Columns count in the text the filter got: the field's text, trimmed.
    const QString typed = m_advanced->text();
    m_errorText = typed.trimmed();
    const int leading = static_cast<int>(typed.indexOf(m_errorText));
    // The field above shows the text, and the caret line the column: the message need not
    // repeat them ('filter "TEXT": column N: what').
    QString what = message;
    const QString head = QStringLiteral("filter \"%1\": ").arg(m_errorText);
    if (what.startsWith(head)) what.remove(0, head.size());
    const QString at = QStringLiteral("column %1: ").arg(column + 1);
    if (column >= 0 && what.startsWith(at)) what.remove(0, at.size());
    m_error->setText(what);
    m_error->setToolTip(message);
    m_error->setVisible(!message.isEmpty());
    m_errorColumn = message.isEmpty() || column >= m_errorText.size() ? -1 : column;
    if (m_errorColumn >= 0) m_advanced->setCursorPosition(leading + m_errorColumn);
    showErrorPlace();
}

// The text around the problem with a caret under it. Both lines are in the same fixed-width
// font, so the caret stands under its character whatever the font; a text wider than the
// label is cut around the caret ("..." marks a cut end).
void FilterPanel::showErrorPlace() {
    if (m_errorColumn < 0) {
        m_errorPlace->clear();
        m_errorPlace->setVisible(false);
        return;
    }
    const int charWidth = std::max(QFontMetrics(m_errorPlace->font()).horizontalAdvance(u'M'), 1);
    const int fits =
        std::max(m_errorPlace->parentWidget()->contentsRect().width() - 8, 0) / charWidth;
    const int chars = std::max(fits, 12);
    QString shown = m_errorText;
    int caret = m_errorColumn;
    if (shown.size() > chars) {
        // The caret a third of the way in: what follows it is what the message is about.
        const int start = std::clamp(caret - chars / 3, 0, static_cast<int>(shown.size()) - chars);
        shown = shown.mid(start, chars);
        caret -= start;
        if (start > 0) shown.replace(0, 3, QStringLiteral("..."));
        if (start + chars < m_errorText.size()) shown.replace(chars - 3, 3, QStringLiteral("..."));
    }
    m_errorPlace->setText(shown + u'\n' + QString(caret, u' ') + u'^');
    m_errorPlace->setVisible(true);
}

void FilterPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    showErrorPlace();
}

QString FilterPanel::advancedError() const {
    return m_error->isHidden() ? QString() : m_error->text();
}

}  // namespace kestrel
