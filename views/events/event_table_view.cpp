#include "events/event_table_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QTableView>
#include <functional>

#include "events/event_table_model.h"
#include "text/event_columns.h"

namespace kestrel {

// Ctrl+Home and Ctrl+End mean the first and last row of the trace, not of the window:
// the window moves first, then Qt moves the cursor to the window's edge.
class WindowTable : public QTableView {
public:
    using QTableView::QTableView;
    std::function<void(bool toEnd)> moveWindowToEdge;

protected:
    QModelIndex moveCursor(CursorAction action, Qt::KeyboardModifiers modifiers) override {
        bool edge = action == MoveHome || action == MoveEnd;
        if (!edge || !(modifiers & Qt::ControlModifier) || !model() || !moveWindowToEdge)
            return QTableView::moveCursor(action, modifiers);
        moveWindowToEdge(action == MoveEnd);
        int row = action == MoveEnd ? model()->rowCount() - 1 : 0;
        return model()->index(row, std::max(currentIndex().column(), 0));
    }
};

EventTableView::EventTableView(QWidget* parent) : QWidget(parent) {
    m_table = new WindowTable(this);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    // Hidden but still driven by the wheel and the keyboard; m_bar shows the position.
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QHeaderView* rows = m_table->verticalHeader();
    rows->setVisible(false);
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fontMetrics().height() + 4);
    QHeaderView* columns = m_table->horizontalHeader();
    columns->setStretchLastSection(true);
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setHighlightSections(false);
    m_table->moveWindowToEdge = [this](bool toEnd) {
        centerWindowOn(toEnd && m_model ? m_model->totalRows() : 0);
    };

    m_bar = new QScrollBar(Qt::Vertical, this);
    // The bar starts below the column header, where the rows start.
    auto* barColumn = new QVBoxLayout;
    barColumn->setContentsMargins(0, 0, 0, 0);
    barColumn->setSpacing(0);
    m_barTop = new QWidget(this);
    barColumn->addWidget(m_barTop);
    barColumn->addWidget(m_bar, 1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_table, 1);
    layout->addLayout(barColumn);
    connect(columns, &QHeaderView::geometriesChanged, this,
            [this] { m_barTop->setFixedHeight(m_table->horizontalHeader()->height()); });
    setFocusProxy(m_table);

    QScrollBar* inner = m_table->verticalScrollBar();
    connect(inner, &QScrollBar::valueChanged, this, &EventTableView::onTableScrolled);
    connect(inner, &QScrollBar::rangeChanged, this, &EventTableView::syncBar);
    connect(m_bar, &QScrollBar::valueChanged, this, &EventTableView::onBarMoved);
}

EventTableView::~EventTableView() {
    // The children die after this body, and hiding them emits signals connected here.
    disconnect(m_table->horizontalHeader(), nullptr, this, nullptr);
    disconnect(m_table->verticalScrollBar(), nullptr, this, nullptr);
    disconnect(m_bar, nullptr, this, nullptr);
    if (m_table->selectionModel()) disconnect(m_table->selectionModel(), nullptr, this, nullptr);
}

QTableView* EventTableView::table() const {
    return m_table;
}

void EventTableView::setModel(EventTableModel* model) {
    m_model = model;
    m_table->setModel(model);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                onCurrentChanged(current.isValid() ? current.row() : -1);
            });
    connect(model, &QAbstractItemModel::modelReset, this, &EventTableView::onModelReset);
    sizeColumns();
    showColumns();
    syncBar();
}

// Widths from text, not from the data: asking the model would decode rows.
void EventTableView::sizeColumns() {
    QFontMetrics fm = fontMetrics();
    auto w = [&](const char* sample) {
        return fm.horizontalAdvance(QString::fromLatin1(sample)) + 16;
    };
    auto set = [&](Column c, int width) { m_table->setColumnWidth(static_cast<int>(c), width); };
    set(Column::Index, w("00000000"));
    set(Column::Buffer,
        std::max(w("Buffer"), fm.horizontalAdvance(m_model->longestBufferName()) + 16));
    set(Column::Cpu, w("CPU0"));
    set(Column::Time, w("00000.000000") + 8);
    set(Column::Task, w("kworker/u8:12"));
    set(Column::Pid, w("0000000"));
    set(Column::Flags, w("d.h2.") + 8);
    set(Column::Event, w("sched_stat_runtime"));
}

void EventTableView::onModelReset() {
    m_selected = -1;
    showColumns();
    syncBar();
}

// The Buffer column tells apart the rows of several buffers; with one it says nothing.
void EventTableView::showColumns() {
    m_table->setColumnHidden(static_cast<int>(Column::Buffer), !m_model->severalBuffers());
}

void EventTableView::onCurrentChanged(int windowRow) {
    if (m_moving) return;
    m_selected = windowRow < 0 ? -1 : m_model->windowStart() + windowRow;
    emit rowSelected(m_selected);
}

int EventTableView::visibleRows() const {
    return std::max(m_table->verticalScrollBar()->pageStep(), 1);
}

int EventTableView::topRow() const {
    return m_model ? m_model->windowStart() + m_table->verticalScrollBar()->value() : 0;
}

void EventTableView::syncBar() {
    int total = m_model ? m_model->totalRows() : 0;
    QSignalBlocker block(m_bar);
    m_bar->setRange(0, std::max(total - visibleRows(), 0));
    m_bar->setPageStep(visibleRows());
    m_bar->setValue(topRow());
    m_bar->setVisible(total > visibleRows());
}

// Keeps a quarter of the window above and below what is shown, so the wheel and the
// keyboard never reach the window's edge while the trace goes on. The window moves after
// the event that scrolled: inside Qt's current-index change, moving it would fight the
// selection Qt is still setting.
void EventTableView::onTableScrolled() {
    if (m_moving || !m_model) return;
    syncBar();
    if (m_moveQueued || !nearWindowEdge()) return;
    m_moveQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_moveQueued = false;
            if (nearWindowEdge()) centerWindowOn(topRow());
        },
        Qt::QueuedConnection);
}

bool EventTableView::nearWindowEdge() const {
    int value = m_table->verticalScrollBar()->value();
    int rows = m_model->rowCount(), start = m_model->windowStart();
    int margin = m_model->windowCapacity() / 4;
    bool nearTop = value < margin && start > 0;
    bool nearEnd = value + visibleRows() > rows - margin && start + rows < m_model->totalRows();
    return nearTop || nearEnd;
}

void EventTableView::onBarMoved(int row) {
    if (m_moving || !m_model) return;
    int value = row - m_model->windowStart();
    if (value >= 0 && value + visibleRows() <= m_model->rowCount())
        m_table->verticalScrollBar()->setValue(value);  // onTableScrolled moves the window
    else
        centerWindowOn(row);
}

void EventTableView::scrollToRow(int row) {
    m_bar->setValue(row);
    onBarMoved(m_bar->value());
}

void EventTableView::centerWindowOn(int top) {
    if (!m_model) return;
    m_moving = true;
    m_model->moveWindow(top - m_model->windowCapacity() / 2);
    top = std::clamp(top, 0, std::max(m_model->totalRows() - 1, 0));
    m_table->verticalScrollBar()->setValue(top - m_model->windowStart());
    showSelectionInWindow();
    m_moving = false;
    syncBar();
}

// After the window moved, window rows show other events: the selection follows its
// event, or is hidden while the event is outside the window (it comes back with it).
void EventTableView::showSelectionInWindow() {
    QItemSelectionModel* selection = m_table->selectionModel();
    int row = m_selected - m_model->windowStart();
    if (m_selected < 0 || row < 0 || row >= m_model->rowCount()) {
        selection->clear();
        return;
    }
    m_table->setAutoScroll(false);  // a new current index must not scroll the view
    selection->setCurrentIndex(m_model->index(row, static_cast<int>(Column::Info)),
                               QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->setAutoScroll(true);
}

void EventTableView::selectRow(int row) {
    if (!m_model) return;
    if (row < 0) {
        m_table->selectionModel()->clearSelection();
        return;
    }
    if (row >= m_model->totalRows()) return;
    int inWindow = row - m_model->windowStart();
    int margin = m_model->windowCapacity() / 4;
    bool whole = m_model->rowCount() == m_model->totalRows();
    if (!whole && (inWindow < margin || inWindow >= m_model->rowCount() - margin))
        centerWindowOn(row);
    QModelIndex index =
        m_model->index(row - m_model->windowStart(), static_cast<int>(Column::Info));
    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

}  // namespace kestrel
