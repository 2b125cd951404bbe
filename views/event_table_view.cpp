#include "event_table_view.h"

#include <QHeaderView>
#include <QItemSelectionModel>

#include "event_columns.h"

namespace kestrel {

EventTableView::EventTableView(QWidget* parent) : QTableView(parent) {
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setShowGrid(false);
    setAlternatingRowColors(true);
    setWordWrap(false);
    verticalHeader()->setVisible(false);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    horizontalHeader()->setHighlightSections(false);
}

void EventTableView::setModel(QAbstractItemModel* model) {
    QTableView::setModel(model);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                emit rowSelected(current.isValid() ? current.row() : -1);
            });
    sizeColumns();
}

// Widths from text, not from the data: asking the model would decode rows.
void EventTableView::sizeColumns() {
    QFontMetrics fm = fontMetrics();
    auto w = [&](const char* sample) {
        return fm.horizontalAdvance(QString::fromLatin1(sample)) + 16;
    };
    setColumnWidth(static_cast<int>(Column::Index), w("00000000"));
    setColumnWidth(static_cast<int>(Column::Cpu), w("CPU0"));
    setColumnWidth(static_cast<int>(Column::Time), w("00000.000000") + 8);
    setColumnWidth(static_cast<int>(Column::Task), w("kworker/u8:12"));
    setColumnWidth(static_cast<int>(Column::Pid), w("0000000"));
    setColumnWidth(static_cast<int>(Column::Flags), w("d.h2.") + 8);
    setColumnWidth(static_cast<int>(Column::Event), w("sched_stat_runtime"));
}

void EventTableView::selectRow(int row) {
    if (!model()) return;
    if (row < 0) {
        selectionModel()->clearSelection();
        return;
    }
    QModelIndex index = model()->index(row, static_cast<int>(Column::Info));
    selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(index, QAbstractItemView::PositionAtCenter);
}

int EventTableView::currentRowIndex() const {
    return selectionModel() && currentIndex().isValid() ? currentIndex().row() : -1;
}

}  // namespace kestrel
