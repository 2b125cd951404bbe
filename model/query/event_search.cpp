#include "query/event_search.h"

#include <regex.h>

#include <algorithm>
#include <optional>

#include "base/parallel.h"

namespace kestrel {
namespace {

constexpr uint64_t kChunkRows = 16384;

struct Chunk {
    size_t checkpoint = 0;  // where the walk starts
    uint64_t firstRow = 0;
    uint64_t endRow = 0;  // exclusive
};

std::vector<Chunk> makeChunks(const EventIndex& index) {
    std::vector<Chunk> chunks;
    const auto& cps = index.checkpoints();
    for (size_t i = 0; i < cps.size(); ++i) {
        if (!chunks.empty() && cps[i].row - chunks.back().firstRow < kChunkRows) continue;
        if (!chunks.empty()) chunks.back().endRow = cps[i].row;
        chunks.push_back({i, cps[i].row, index.rows()});
    }
    // Chunks can be empty when checkpoints share a row (a selective filter).
    std::erase_if(chunks, [](const Chunk& c) { return c.firstRow >= c.endRow; });
    return chunks;
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// One per worker: glibc's regexec locks the compiled pattern, so sharing one would
// serialize the workers. POSIX extended syntax (as grep -E), much faster than
// std::regex on long scans.
class Matcher {
public:
    Matcher() = default;
    Matcher(const Matcher&) = delete;
    Matcher& operator=(const Matcher&) = delete;
    ~Matcher() {
        if (m_compiled) regfree(&m_regex);
    }
    Status init(const SearchQuery& q) {
        m_query = q;
        if (!q.caseSensitive) {
            for (char& c : m_query.text) c = lower(c);
        }
        if (!q.regex) return Status();
        int flags = REG_EXTENDED | REG_NOSUB | (q.caseSensitive ? 0 : REG_ICASE);
        int err = regcomp(&m_regex, q.text.c_str(), flags);
        if (err != 0) {
            char buf[256];
            regerror(err, &m_regex, buf, sizeof buf);
            return Status::error("bad regular expression \"" + q.text + "\": " + buf);
        }
        m_compiled = true;
        return Status();
    }
    bool matches(std::string& text) const {
        if (m_query.regex) return regexec(&m_regex, text.c_str(), 0, nullptr, 0) == 0;
        if (!m_query.caseSensitive) {
            for (char& c : text) c = lower(c);
        }
        return text.find(m_query.text) != std::string::npos;
    }

private:
    SearchQuery m_query;
    regex_t m_regex{};
    bool m_compiled = false;
};

struct Shared {
    const TraceModel& model;
    const EventIndex& index;
    const SearchQuery& query;
    const std::vector<Chunk>& chunks;  // in search order
    uint64_t start;
    bool forward;
    Progress* progress;
    WorkQueue queue;
    std::atomic<uint64_t> best;  // nearest match so far (kNoRow: none)
};

bool beyondBest(const Shared& s, const Chunk& c) {
    uint64_t best = s.best.load();
    if (best == kNoRow) return false;
    return s.forward ? c.firstRow > best : c.endRow - 1 < best;
}

void offer(Shared& s, uint64_t row) {
    uint64_t cur = s.best.load();
    while (cur == kNoRow || (s.forward ? row < cur : row > cur)) {
        if (s.best.compare_exchange_weak(cur, row)) return;
    }
}

// The neighbours a function_graph row of the Info column reads, as the table finds them
// (EventTableModel::loadBlock), so that a search matches what the table shows.
class GraphAround {
public:
    GraphAround(RowCursor& rows, const ColumnText& text, Column column)
        : m_rows(rows), m_text(text), m_on(column == Column::Info) {
        rows.keepPrevious(m_on);
    }
    Neighbours of(const EventRef& ev) {
        Neighbours around;
        if (!m_on) return around;
        if (m_text.needsNext(ev) && m_rows.cursor().peekNextIfSameCpu(m_next))
            around.next = &m_next;
        if (m_rows.previous(m_prev)) around.previous = &m_prev;
        return around;
    }

private:
    RowCursor& m_rows;
    const ColumnText& m_text;
    bool m_on;
    EventRef m_next, m_prev;
};

// Scans one chunk; forward stops at the first match, backward keeps the last one.
Status scanChunk(Shared& s, RowCursor& rows, ColumnText& text, const Matcher& matcher,
                 const Chunk& c) {
    uint64_t from = c.firstRow, to = c.endRow;  // rows [from, to)
    if (s.forward)
        from = std::max(from, s.start);
    else
        to = std::min(to, s.start + 1);
    if (from >= to) return Status();
    GraphAround around(rows, text, s.query.column);
    // seekRow, not the chunk's checkpoint, for the Info column: it starts a checkpoint
    // early, so the record before the chunk's first row is known.
    if (from == c.firstRow && s.query.column != Column::Info)
        rows.seekCheckpoint(s.index.checkpoints()[c.checkpoint]);
    else
        rows.seekRow(from);
    EventRef ev;
    uint64_t row = 0, found = kNoRow;
    std::string line;
    while (rows.next(ev, row) && row < to) {
        line.clear();
        text.append(s.query.column, ev, rows.eventNumber(), line, around.of(ev));
        if (matcher.matches(line)) {
            found = row;
            if (s.forward) break;
        }
        if ((row & 1023) == 0 && cancelled(s.progress)) {
            return Status::error("cancelled");
        }
    }
    if (found != kNoRow) offer(s, found);
    return Status();
}

Status worker(Shared& s, FormatsPool& pool) {
    Matcher matcher;
    Status st = matcher.init(s.query);
    if (!st.ok()) return st;
    auto formats = pool.acquire();
    if (!formats) return formats.status();
    auto filter = FilterMatcher::create(s.index.filter(), **formats);
    if (!filter) return filter.status();
    RowCursor rows(s.model, s.index, *filter.value(), true);
    ColumnText text(**formats, s.model.meta());
    for (size_t i; s.queue.take(i);) {
        const Chunk& c = s.chunks[i];
        if (cancelled(s.progress)) return Status::error("cancelled");
        // Chunks are taken in search order: once one lies beyond the best match, so
        // does every later one.
        if (!beyondBest(s, c)) {
            Status st = scanChunk(s, rows, text, matcher, c);
            if (!st.ok()) {
                s.queue.stop();
                return st;
            }
        }
        advance(s.progress);
    }
    return Status();
}

}  // namespace

Result<uint64_t> searchRows(const TraceModel& model, const EventIndex& index, FormatsPool& pool,
                            const SearchQuery& query, uint64_t start, SearchDirection direction,
                            Progress* progress, unsigned threads) {
    {
        Matcher check;  // a bad pattern fails here, before any thread starts
        Status st = check.init(query);
        if (!st.ok()) return st;
    }
    if (index.rows() == 0 || (direction == SearchDirection::Forward && start >= index.rows())) {
        return kNoRow;
    }
    bool forward = direction == SearchDirection::Forward;
    if (!forward) start = std::min(start, index.rows() - 1);
    std::vector<Chunk> chunks = makeChunks(index);
    std::erase_if(chunks,
                  [&](const Chunk& c) { return forward ? c.endRow <= start : c.firstRow > start; });
    if (!forward) std::reverse(chunks.begin(), chunks.end());
    if (progress) progress->total = chunks.size();
    Shared shared{model,   index, query, chunks, start, forward, progress, WorkQueue(chunks.size()),
                  {kNoRow}};
    Status st = runWorkers(workerCount(threads, chunks.size()),
                           [&](unsigned) { return worker(shared, pool); });
    if (!st.ok()) return st;
    return shared.best.load();
}

namespace {

// Matches in rows [from, to) of the chunk starting at checkpoint `checkpoint`.
Result<uint64_t> countRange(const EventIndex& index, RowCursor& rows, ColumnText& text,
                            const Matcher& matcher, const SearchQuery& query, size_t checkpoint,
                            uint64_t from, uint64_t to, Progress* progress) {
    GraphAround around(rows, text, query.column);
    if (from > index.checkpoints()[checkpoint].row || query.column == Column::Info)
        rows.seekRow(from);
    else
        rows.seekCheckpoint(index.checkpoints()[checkpoint]);
    EventRef ev;
    uint64_t row = 0, count = 0;
    std::string line;
    while (rows.next(ev, row) && row < to) {
        line.clear();
        text.append(query.column, ev, rows.eventNumber(), line, around.of(ev));
        if (matcher.matches(line)) ++count;
        if ((row & 1023) == 0 && cancelled(progress)) return Status::error("cancelled");
    }
    return count;
}

// What a counting worker needs: its matcher, formats, filter, cursor and text.
struct CountWorker {
    Matcher matcher;
    std::optional<FormatsPool::Lease> formats;  // outlives the filter, cursor and text
    std::unique_ptr<FilterMatcher> filter;
    std::unique_ptr<RowCursor> rows;
    std::unique_ptr<ColumnText> text;

    Status init(const TraceModel& model, const EventIndex& index, FormatsPool& pool,
                const SearchQuery& query) {
        Status st = matcher.init(query);
        if (!st.ok()) return st;
        auto f = pool.acquire();
        if (!f) return f.status();
        formats.emplace(std::move(f.value()));
        auto m = FilterMatcher::create(index.filter(), **formats);
        if (!m) return m.status();
        filter = std::move(m.value());
        rows = std::make_unique<RowCursor>(model, index, *filter, true);
        text = std::make_unique<ColumnText>(**formats, model.meta());
        return Status();
    }
};

}  // namespace

Result<MatchCounts> countMatches(const TraceModel& model, const EventIndex& index,
                                 FormatsPool& pool, const SearchQuery& query, Progress* progress,
                                 unsigned threads) {
    {
        Matcher check;
        Status st = check.init(query);
        if (!st.ok()) return st;
    }
    std::vector<Chunk> chunks = makeChunks(index);
    if (progress) progress->total = chunks.size();
    std::vector<uint64_t> counts(chunks.size(), 0);
    WorkQueue queue(chunks.size());
    Status st = runWorkers(workerCount(threads, chunks.size()), [&](unsigned) -> Status {
        CountWorker w;
        Status st = w.init(model, index, pool, query);
        if (!st.ok()) return st;
        for (size_t i; queue.take(i);) {
            const Chunk& c = chunks[i];
            auto n = countRange(index, *w.rows, *w.text, w.matcher, query, c.checkpoint, c.firstRow,
                                c.endRow, progress);
            if (!n) {
                queue.stop();
                return n.status();
            }
            counts[i] = n.value();
            advance(progress);
        }
        return Status();
    });
    if (!st.ok()) return st;
    MatchCounts out;
    for (size_t i = 0; i < chunks.size(); ++i) {
        out.firstRows.push_back(chunks[i].firstRow);
        out.before.push_back(out.total);
        out.total += counts[i];
    }
    return out;
}

Result<uint64_t> matchNumber(const TraceModel& model, const EventIndex& index, FormatsPool& pool,
                             const SearchQuery& query, const MatchCounts& counts, uint64_t row) {
    auto after = std::upper_bound(counts.firstRows.begin(), counts.firstRows.end(), row);
    if (after == counts.firstRows.begin()) return Status::error("row is in no chunk");
    const size_t chunk = static_cast<size_t>(after - counts.firstRows.begin()) - 1;
    // The chunk's checkpoint: chunks start at checkpoints, and makeChunks finds them again.
    std::vector<Chunk> chunks = makeChunks(index);
    if (chunk >= chunks.size() || chunks[chunk].firstRow != counts.firstRows[chunk]) {
        return Status::error("match counts are of another index");
    }
    CountWorker w;
    Status st = w.init(model, index, pool, query);
    if (!st.ok()) return st;
    auto n = countRange(index, *w.rows, *w.text, w.matcher, query, chunks[chunk].checkpoint,
                        chunks[chunk].firstRow, row + 1, nullptr);
    if (!n) return n.status();
    return counts.before[chunk] + n.value();
}

}  // namespace kestrel
