#pragma once
// The event table widget: a QTableView over the window of rows EventTableModel shows Qt,
// beside a scroll bar that spans every row of the trace. Scrolling near either end of the
// window moves the window, so the user scrolls through millions of rows while Qt only
// ever knows about EventTableModel::windowCapacity() of them. Rows here are absolute
// (row N of the event index), never window rows.
#include <QWidget>

class QScrollBar;
class QTableView;

namespace kestrel {

class EventTableModel;
class WindowTable;

class EventTableView : public QWidget {
    Q_OBJECT
public:
    explicit EventTableView(QWidget* parent = nullptr);
    ~EventTableView() override;
    void setModel(EventTableModel* model);

    // Selects `row` and scrolls it to the middle (-1 clears the selection).
    void selectRow(int row);
    int currentRowIndex() const { return m_selected; }
    // The first visible row.
    int topRow() const;
    // Scrolls so that `row` is the first visible row.
    void scrollToRow(int row);

    QTableView* table() const;
    QScrollBar* rowScrollBar() const { return m_bar; }

signals:
    void rowSelected(int row);

private:
    void sizeColumns();
    void showColumns();
    void onModelReset();
    void onCurrentChanged(int windowRow);
    void onTableScrolled();
    bool nearWindowEdge() const;
    void onBarMoved(int row);
    void syncBar();
    // Moves the window so that `top` lands in its middle and shows `top` first.
    void centerWindowOn(int top);
    void showSelectionInWindow();
    int visibleRows() const;

    EventTableModel* m_model = nullptr;
    WindowTable* m_table = nullptr;
    QScrollBar* m_bar = nullptr;
    QWidget* m_barTop = nullptr;  // spacer beside the column header
    int m_selected = -1;
    bool m_moving = false;  // the window is moving: selection changes are not the user's
    bool m_moveQueued = false;
};

}  // namespace kestrel
