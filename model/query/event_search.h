#pragma once
// Finds the next (or previous) row whose text in one column contains a string or
// matches a regular expression, on every core. The rows of the index are cut into
// chunks at checkpoints; workers take chunks in search order, each renders its rows'
// text with an EventFormats of its own (libtraceevent printing is not thread-safe) and
// the nearest match wins: chunks beyond a match already found are skipped. Progress
// counts chunks, so the bar shows real work done.
#include <cstdint>
#include <string>

#include "base/status.h"
#include "decode/trace_model.h"
#include "formats/formats_pool.h"
#include "query/event_index.h"
#include "text/event_columns.h"

namespace kestrel {

struct SearchQuery {
    Column column = Column::Info;
    std::string text;
    bool regex = false;  // POSIX extended regular expression, else "contains"
    bool caseSensitive = true;
};

enum class SearchDirection { Forward, Backward };

inline constexpr uint64_t kNoRow = RowCursor::kNoRow;

// Forward: the first matching row >= `start`; backward: the last one <= `start`.
// kNoRow when none; an error for a bad regex, a decoding error or "cancelled".
Result<uint64_t> searchRows(const TraceModel& model, const EventIndex& index, FormatsPool& pool,
                            const SearchQuery& query, uint64_t start, SearchDirection direction,
                            Progress* progress = nullptr, unsigned threads = 0);

}  // namespace kestrel
