#pragma once
// Finds the next (or previous) row whose text in one column contains a string or
// matches a regular expression, on every core. The rows of the index are cut into
// chunks at checkpoints; workers take chunks in search order, each renders its rows'
// text with an EventFormats of its own (libtraceevent printing is not thread-safe) and
// the nearest match wins: chunks beyond a match already found are skipped. Progress
// counts chunks, so the bar shows real work done.
#include <cstdint>
#include <string>
#include <vector>

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
    bool operator==(const SearchQuery&) const = default;
};

enum class SearchDirection { Forward, Backward };

inline constexpr uint64_t kNoRow = RowCursor::kNoRow;

// Forward: the first matching row >= `start`; backward: the last one <= `start`.
// kNoRow when none; an error for a bad regex, a decoding error or "cancelled".
Result<uint64_t> searchRows(const TraceModel& model, const EventIndex& index, FormatsPool& pool,
                            const SearchQuery& query, uint64_t start, SearchDirection direction,
                            Progress* progress = nullptr, unsigned threads = 0);

// How many rows match, per chunk of the index: the number of a match ("n of N") is then the
// matches of the chunks before it plus a walk inside its own chunk, with no per-match array.
struct MatchCounts {
    std::vector<uint64_t> firstRows;  // each chunk's first row, ascending
    std::vector<uint64_t> before;     // matches in the chunks before each one
    uint64_t total = 0;
};

// Counts every matching row on every core; progress counts chunks. An error for a bad
// regex, a decoding error or "cancelled".
Result<MatchCounts> countMatches(const TraceModel& model, const EventIndex& index,
                                 FormatsPool& pool, const SearchQuery& query,
                                 Progress* progress = nullptr, unsigned threads = 0);

// The 1-based number of the match at `row` among all matches of `counts` (made by
// countMatches for the same index and query): the rows of its chunk up to `row` are
// matched again, one chunk at most.
Result<uint64_t> matchNumber(const TraceModel& model, const EventIndex& index, FormatsPool& pool,
                             const SearchQuery& query, const MatchCounts& counts, uint64_t row);

}  // namespace kestrel
