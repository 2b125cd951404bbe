#pragma once
// The event table as a virtual Qt model over an EventIndex (the merged, filtered stream).
// Nothing is held per event: rows are decoded on demand, a block at a time, through a
// RowCursor, and a few blocks are cached (scrolling asks for the same rows many times per
// second). Decoding uses the GUI thread's EventFormats.
//
// Qt sees a window of at most windowCapacity() rows, starting at windowStart(): a
// QTableView's header keeps 8 bytes per row it is told about (537 MB for 63 M events).
// EventTableView moves the window as the user scrolls. Every other function here takes
// absolute rows (row N of the index).
#include <QAbstractTableModel>
#include <QString>
#include <array>
#include <functional>
#include <list>
#include <memory>

#include "query/event_index.h"
#include "text/event_columns.h"

namespace kestrel {

class EventTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Roles { TimestampRole = Qt::UserRole + 1, CpuRole };
    static constexpr int kBlockRows = 256;
    static constexpr size_t kCachedBlocks = 16;
    static constexpr int kWindowRows = 100000;

    EventTableModel(const TraceModel& model, EventFormats& formats, QObject* parent = nullptr);
    ~EventTableModel() override;

    // Shows the rows of `index` (nullptr: none). Resets the model.
    void setIndex(std::shared_ptr<const EventIndex> index);
    const std::shared_ptr<const EventIndex>& eventIndex() const { return m_index; }

    // Rows of the index (every row, not only the window's).
    int totalRows() const;
    // True when events come from more than one buffer: the Buffer column is worth showing.
    bool severalBuffers() const { return m_severalBuffers; }
    // The longest buffer name (to size the Buffer column).
    QString longestBufferName() const;
    int windowStart() const { return m_windowStart; }
    int windowCapacity() const { return m_windowCapacity; }
    // Changes the capacity (tests use small windows). Resets the model.
    void setWindowCapacity(int rows);
    // Moves the window to start at `start` (clamped so it stays full); the window's rows
    // then show other events, announced by dataChanged. False when it did not move.
    bool moveWindow(int start);

    // Qt's view of the window: model row r is absolute row windowStart() + r.
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // The text of absolute `row` in column `c` (empty when out of range).
    QString cellText(int row, Column c) const;
    // Calls `fn` with the event of `row` while its bytes are alive; false when out of range.
    bool withEvent(int row, const std::function<void(const EventRef&)>& fn) const;
    // The row whose timestamp is nearest to `t` (ties: the earlier row); -1 when empty.
    int rowNearTime(uint64_t t) const;
    uint64_t timestampOf(int row) const;
    // The event's number: its row in the unfiltered stream, what "#" shows.
    uint64_t eventNumberOf(int row) const;
    // What a function_graph record's row shows (GraphRow::kNone for other events).
    GraphRow graphRowOf(int row) const;

private:
    struct Row {
        uint64_t ts = 0;
        uint64_t number = 0;
        uint32_t cpu = 0;
        GraphRow graph = GraphRow::kNone;
        std::array<QString, static_cast<size_t>(Column::Count)> cells;
    };
    struct Block {
        int first = 0;
        std::vector<Row> rows;
    };
    const Row* row(int r) const;
    const Block& loadBlock(int first) const;

    const TraceModel& m_model;
    EventFormats& m_formats;
    std::shared_ptr<const EventIndex> m_index;
    std::unique_ptr<FilterMatcher> m_matcher;
    std::unique_ptr<RowCursor> m_cursor;
    bool m_severalBuffers = false;
    int m_windowStart = 0;
    int m_windowCapacity = kWindowRows;
    mutable std::unique_ptr<ColumnText> m_text;
    mutable std::list<Block> m_blocks;      // most recently used first
    mutable uint64_t m_cursorNext = ~0ull;  // the row m_cursor's next() returns
};

}  // namespace kestrel
