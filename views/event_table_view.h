#pragma once
// The QTableView for EventTableModel: fixed row height (so Qt never measures rows of a
// virtual model), one selected row, columns sized once from a sample.
#include <QTableView>

namespace kestrel {

class EventTableView : public QTableView {
    Q_OBJECT
public:
    explicit EventTableView(QWidget* parent = nullptr);
    // Selects and scrolls to `row` (-1 clears the selection).
    void selectRow(int row);
    int currentRowIndex() const;
    void setModel(QAbstractItemModel* model) override;
    void sizeColumns();

signals:
    void rowSelected(int row);
};

}  // namespace kestrel
