#pragma once
// Row N of the merged, filtered event stream, found without a per-event object.
//
// A background pass walks the stream once (in parallel over time slices) and keeps a
// checkpoint every kRowsPerCheckpoint matching events, plus one every
// kEventsPerCheckpoint events the filter drops, so a selective filter still bounds the
// walk. A checkpoint is (row, timestamp, skip, event): seek the cursor to the timestamp,
// skip `skip` events with that same timestamp (ties merge in CPU order, deterministically),
// and the next matching event is row `row`; `event` events of the whole trace come before
// that position. All events with one timestamp fall in the same slice, so slices never
// split a tie. Memory: 32 bytes per checkpoint, about 0.06 bytes per event.
//
// Event numbers: every event has one, its row in the unfiltered stream (what the table's
// "#" shows, as KernelShark numbers events), so an event keeps its number under any
// filter or time range. The cursor behind an index walks every CPU (a CPU filter is the
// matcher's job, not the cursor's) and counts the events it passes from the checkpoint's
// `event`, so no per-event array holds the numbers.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/progress.h"
#include "base/status.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/formats_pool.h"
#include "query/event_filter.h"

namespace kestrel {

struct IndexCheckpoint {
    uint64_t row = 0;
    uint64_t ts = 0;
    uint32_t skip = 0;
    uint64_t event = 0;  // events of the whole trace before this position
};

class EventIndex {
public:
    static constexpr uint64_t kRowsPerCheckpoint = 512;
    static constexpr uint64_t kEventsPerCheckpoint = 8192;

    // `threads` = 0 uses every core. Cancelled: an error "cancelled".
    // `everyEvent`, an index of every event (no filter), numbers the events before the
    // filter's start time with one short walk; without it the pass counts them.
    static Result<std::shared_ptr<const EventIndex>> build(
        const TraceModel& model, FormatsPool& pool, const EventFilter& filter,
        Progress* progress = nullptr, unsigned threads = 0, const EventIndex* everyEvent = nullptr);

    // The index of every event (no filter) from row marks a per-CPU pass counted
    // (SchedTimeline::rowMarks): no pass over the events of its own.
    static std::shared_ptr<const EventIndex> fromMarks(uint64_t rows,
                                                       const std::vector<RowMark>& marks);

    uint64_t rows() const { return m_rows; }
    const EventFilter& filter() const { return m_filter; }
    const std::vector<IndexCheckpoint>& checkpoints() const { return m_checkpoints; }
    // The checkpoint to start from for `row`: the last one at or before it.
    const IndexCheckpoint& checkpointForRow(uint64_t row) const;
    // The last checkpoint whose timestamp is below `t` (or the first one).
    const IndexCheckpoint& checkpointBeforeTime(uint64_t t) const;

private:
    EventFilter m_filter;
    uint64_t m_rows = 0;
    std::vector<IndexCheckpoint> m_checkpoints;  // sorted by row and by timestamp
};

// Walks rows of an index: a cursor plus the filter, positioned through checkpoints.
class RowCursor {
public:
    // `streaming`: decode into the cursor's own buffers instead of the shared frame
    // cache (passes over many frames: search), see CursorOptions::streaming.
    RowCursor(const TraceModel& model, const EventIndex& index, const FilterMatcher& matcher,
              bool streaming = false);
    // Positions so that next() returns row `row` (rows() when past the end).
    void seekRow(uint64_t row);
    // Positions at the checkpoint; next() returns the first row at or after it.
    void seekCheckpoint(const IndexCheckpoint& cp);
    // The next matching event and its row; false at the end or on an error.
    bool next(EventRef& event, uint64_t& row);
    // The event number (row in the unfiltered stream) of the event next() returned last.
    uint64_t eventNumber() const { return m_lastEvent; }
    // Keeps a copy of the head of the record before each event next() returns, the one
    // before it in the unfiltered stream (the event table shows a function_graph exit
    // that follows its own entry differently). Off by default: it costs a copy per event.
    void keepPrevious(bool keep);
    // That record, its payload cut to kPreviousBytes, valid until the next call of next();
    // false when unknown: the first event of the index's range, or the first event after
    // seekCheckpoint (seekRow starts a checkpoint early when the row has its own).
    bool previous(EventRef& event) const;
    static constexpr uint32_t kPreviousBytes = 64;
    // The row of the first event at or after `t`, and of the last one before it
    // (rows() / kNoRow when none).
    void rowsAround(uint64_t t, uint64_t& atOrAfter, uint64_t& before);
    EventCursor& cursor() { return m_cursor; }

    static constexpr uint64_t kNoRow = ~0ull;

private:
    struct Copy {
        EventRef event;
        std::array<uint8_t, kPreviousBytes> bytes{};
        bool valid = false;
    };
    static void copyInto(Copy& copy, const EventRef& event);

    const EventIndex& m_index;
    const FilterMatcher& m_matcher;
    EventCursor m_cursor;
    uint64_t m_nextRow = 0;
    uint64_t m_nextEvent = 0;  // number of the event m_cursor returns next
    uint64_t m_lastEvent = 0;
    bool m_keepPrevious = false;
    Copy m_seen;      // the last event the walk passed, matching or not
    Copy m_previous;  // the one before the event next() returned
};

}  // namespace kestrel
