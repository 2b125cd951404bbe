#pragma once
// The event table as a virtual Qt model: row N is row N of an EventIndex (the merged,
// filtered stream). Nothing is held per event: rows are decoded on demand, a block at a
// time, through a RowCursor, and a few blocks are cached (scrolling asks for the same
// rows many times per second). Decoding uses the GUI thread's EventFormats.
#include <QAbstractTableModel>
#include <QString>
#include <array>
#include <functional>
#include <list>
#include <memory>

#include "event_columns.h"
#include "event_index.h"

namespace kestrel {

class EventTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Roles { TimestampRole = Qt::UserRole + 1, CpuRole };
    static constexpr int kBlockRows = 256;
    static constexpr size_t kCachedBlocks = 16;

    EventTableModel(const TraceModel& model, EventFormats& formats, QObject* parent = nullptr);
    ~EventTableModel() override;

    // Shows the rows of `index` (nullptr: none). Resets the model.
    void setIndex(std::shared_ptr<const EventIndex> index);
    const std::shared_ptr<const EventIndex>& eventIndex() const { return m_index; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // Calls `fn` with the event of `row` while its bytes are alive; false when out of range.
    bool withEvent(int row, const std::function<void(const EventRef&)>& fn) const;
    // The row whose timestamp is nearest to `t` (ties: the earlier row); -1 when empty.
    int rowNearTime(uint64_t t) const;
    uint64_t timestampOf(int row) const;

private:
    struct Row {
        uint64_t ts = 0;
        uint32_t cpu = 0;
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
    mutable std::unique_ptr<ColumnText> m_text;
    mutable std::list<Block> m_blocks;      // most recently used first
    mutable uint64_t m_cursorNext = ~0ull;  // the row m_cursor's next() returns
};

}  // namespace kestrel
