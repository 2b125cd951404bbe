#include "query/event_index.h"

#include <algorithm>
#include <cstring>

#include "base/parallel.h"

namespace kestrel {
namespace {

struct Slice {
    uint64_t from = 0;
    uint64_t to = 0;                           // inclusive
    bool countOnly = false;                    // before the filter's range: numbers only
    std::vector<IndexCheckpoint> checkpoints;  // rows and events local to the slice
    uint64_t rows = 0;
    uint64_t events = 0;  // every event the slice's cursor returned
    Status status;
};

// Time slices of [from, to] of roughly equal frame counts: boundaries at frame start
// times, so each slice decodes its own frames (plus at most one shared frame per CPU at
// each edge). Every CPU counts: the cursor walks them all (event numbers).
std::vector<Slice> makeSlices(const TraceModel& model, uint64_t from, uint64_t to, size_t want) {
    std::vector<uint64_t> starts;
    for (uint32_t c = 0; c < model.cpuCount(); ++c) {
        for (uint32_t f : model.cpu(c).frames) {
            uint64_t t = model.frames()[f].tFirst;
            if (t == kUnknownTime) continue;
            t = model.toTraceTime(t);
            if (t > from && t <= to) starts.push_back(t);
        }
    }
    std::sort(starts.begin(), starts.end());
    std::vector<uint64_t> bounds{from};
    for (size_t i = 1; i < want && !starts.empty(); ++i) {
        uint64_t b = starts[i * starts.size() / want];
        if (b > bounds.back()) bounds.push_back(b);
    }
    std::vector<Slice> slices(bounds.size());
    for (size_t i = 0; i < bounds.size(); ++i) {
        slices[i].from = bounds[i];
        slices[i].to = i + 1 < bounds.size() ? bounds[i + 1] - 1 : to;
    }
    return slices;
}

void indexSlice(const TraceModel& model, const EventFilter& filter, const FilterMatcher& matcher,
                Slice& slice, const Progress* progress) {
    // Checked before the slice too: a slice may hold fewer events than the poll interval,
    // and a pass cancelled before it started must not run to the end.
    if (cancelled(progress)) {
        slice.status = Status::error("cancelled");
        return;
    }
    CursorOptions options = filter.cursorOptions();
    options.from = slice.from;
    options.to = slice.to;
    options.streaming = true;
    EventCursor cursor(model, options);
    EventRef ev;
    uint64_t sinceRow = EventIndex::kRowsPerCheckpoint;  // first match gets a checkpoint
    uint64_t sinceEvent = 0;
    uint64_t lastTs = kUnknownTime;
    uint32_t sameTs = 0;
    while (cursor.next(ev)) {
        if (slice.countOnly) {
            if ((++slice.events & 4095) == 0 && cancelled(progress)) {
                slice.status = Status::error("cancelled");
                return;
            }
            continue;
        }
        if (ev.ts != lastTs) {
            lastTs = ev.ts;
            sameTs = 0;
        }
        bool match = matcher.matches(ev);
        if ((match && sinceRow >= EventIndex::kRowsPerCheckpoint) ||
            sinceEvent >= EventIndex::kEventsPerCheckpoint) {
            slice.checkpoints.push_back({slice.rows, ev.ts, sameTs, slice.events});
            sinceRow = sinceEvent = 0;
        }
        if (match) {
            ++slice.rows;
            ++sinceRow;
        }
        ++slice.events;
        ++sinceEvent;
        ++sameTs;
        if ((sinceEvent & 4095) == 0 && cancelled(progress)) {
            slice.status = Status::error("cancelled");
            return;
        }
    }
}

// The number of the first event at or after trace time `t`, from an index of every event.
Result<uint64_t> numberAt(const TraceModel& model, FormatsPool& pool, const EventIndex& every,
                          uint64_t t) {
    auto formats = pool.acquire();
    if (!formats) return formats.status();
    auto matcher = FilterMatcher::create({}, **formats);
    if (!matcher) return matcher.status();
    RowCursor rows(model, every, **matcher, true);
    uint64_t atOrAfter = 0, before = 0;
    rows.rowsAround(t, atOrAfter, before);
    return atOrAfter;
}

}  // namespace

Result<std::shared_ptr<const EventIndex>> EventIndex::build(const TraceModel& model,
                                                            FormatsPool& pool,
                                                            const EventFilter& filter,
                                                            Progress* progress, unsigned threads,
                                                            const EventIndex* everyEvent) {
    threads = workerCount(threads, SIZE_MAX);
    const size_t want = size_t{threads} * 16;
    // Events before the range are numbered too: taken from the index of every event when
    // there is one, else counted by slices of their own in the same pass.
    uint64_t before = 0;
    std::vector<Slice> slices;
    if (filter.from > 0 && everyEvent) {
        auto n = numberAt(model, pool, *everyEvent, filter.from);
        if (!n) return n.status();
        before = *n;
    } else if (filter.from > 0) {
        slices = makeSlices(model, 0, filter.from - 1, want);
        for (Slice& s : slices) s.countOnly = true;
    }
    for (Slice& s : makeSlices(model, filter.from, filter.to, want)) slices.push_back(std::move(s));
    if (progress) progress->total = slices.size();
    WorkQueue queue(slices.size());
    Status st = runWorkers(workerCount(threads, slices.size()), [&](unsigned) -> Status {
        auto formats = pool.acquire();
        if (!formats) return formats.status();
        auto matcher = FilterMatcher::create(filter, **formats);
        if (!matcher) return matcher.status();
        for (size_t i; queue.take(i);) {
            indexSlice(model, filter, *matcher.value(), slices[i], progress);
            if (!slices[i].status.ok()) {
                queue.stop();
                return slices[i].status;
            }
            advance(progress);
        }
        return {};
    });
    if (!st.ok()) return st;
    for (const Slice& s : slices) {
        if (!s.status.ok()) return s.status;
        if (s.countOnly) before += s.events;
    }
    auto index = std::make_shared<EventIndex>();
    index->m_filter = filter;
    index->m_checkpoints.push_back({0, filter.from, 0, before});
    uint64_t events = before;
    for (Slice& s : slices) {
        if (s.countOnly) continue;
        for (IndexCheckpoint cp : s.checkpoints) {
            cp.row += index->m_rows;
            cp.event += events;
            index->m_checkpoints.push_back(cp);
        }
        index->m_rows += s.rows;
        events += s.events;
    }
    return std::shared_ptr<const EventIndex>(std::move(index));
}

std::shared_ptr<const EventIndex> EventIndex::fromMarks(uint64_t rows,
                                                        const std::vector<RowMark>& marks) {
    auto index = std::make_shared<EventIndex>();
    index->m_rows = rows;
    index->m_checkpoints.push_back({0, 0, 0, 0});
    // Seeking to a mark's time lands on its row: nothing to skip. Every event is a row,
    // so the event number is the row.
    for (const RowMark& m : marks) {
        if (m.row < rows && m.ts > index->m_checkpoints.back().ts)
            index->m_checkpoints.push_back({m.row, m.ts, 0, m.row});
    }
    return index;
}

const IndexCheckpoint& EventIndex::checkpointForRow(uint64_t row) const {
    auto it = std::upper_bound(m_checkpoints.begin(), m_checkpoints.end(), row,
                               [](uint64_t r, const IndexCheckpoint& c) { return r < c.row; });
    return it == m_checkpoints.begin() ? m_checkpoints.front() : *(it - 1);
}

const IndexCheckpoint& EventIndex::checkpointBeforeTime(uint64_t t) const {
    auto it = std::lower_bound(m_checkpoints.begin(), m_checkpoints.end(), t,
                               [](const IndexCheckpoint& c, uint64_t v) { return c.ts < v; });
    return it == m_checkpoints.begin() ? m_checkpoints.front() : *(it - 1);
}

namespace {

CursorOptions rowOptions(const EventFilter& filter, bool streaming) {
    CursorOptions o = filter.cursorOptions();
    o.streaming = streaming;
    return o;
}

}  // namespace

RowCursor::RowCursor(const TraceModel& model, const EventIndex& index, const FilterMatcher& matcher,
                     bool streaming)
    : m_index(index), m_matcher(matcher), m_cursor(model, rowOptions(index.filter(), streaming)) {}

void RowCursor::seekCheckpoint(const IndexCheckpoint& cp) {
    m_cursor.seek(cp.ts);
    m_seen.valid = false;
    m_previous.valid = false;
    EventRef ev;
    for (uint32_t i = 0; i < cp.skip && m_cursor.next(ev); ++i) {
        if (m_keepPrevious) copyInto(m_seen, ev);
    }
    m_nextRow = cp.row;
    m_nextEvent = cp.event;
}

void RowCursor::seekRow(uint64_t row) {
    const IndexCheckpoint* cp = &m_index.checkpointForRow(row);
    // A walk that starts at the row's own checkpoint knows no record before the row; from
    // the checkpoint before, it does (at most one checkpoint's walk more).
    if (m_keepPrevious && cp->row == row && cp != m_index.checkpoints().data()) --cp;
    seekCheckpoint(*cp);
    EventRef ev;
    uint64_t r = 0;
    while (m_nextRow < row && next(ev, r)) {
    }
}

void RowCursor::keepPrevious(bool keep) {
    m_keepPrevious = keep;
    m_seen.valid = false;
    m_previous.valid = false;
}

void RowCursor::copyInto(Copy& copy, const EventRef& event) {
    copy.event = event;
    copy.event.raw.size = std::min(event.raw.size, kPreviousBytes);
    if (event.raw.data) std::memcpy(copy.bytes.data(), event.raw.data, copy.event.raw.size);
    copy.event.raw.data = event.raw.data ? copy.bytes.data() : nullptr;
    copy.valid = true;
}

bool RowCursor::previous(EventRef& event) const {
    if (!m_previous.valid) return false;
    event = m_previous.event;
    return true;
}

bool RowCursor::next(EventRef& event, uint64_t& row) {
    while (m_cursor.next(event)) {
        const uint64_t number = m_nextEvent++;
        if (!m_matcher.matches(event)) {
            if (m_keepPrevious) copyInto(m_seen, event);
            continue;
        }
        if (m_keepPrevious) {
            m_previous = m_seen;
            if (m_previous.event.raw.data) m_previous.event.raw.data = m_previous.bytes.data();
            copyInto(m_seen, event);
        }
        m_lastEvent = number;
        row = m_nextRow++;
        return true;
    }
    return false;
}

void RowCursor::rowsAround(uint64_t t, uint64_t& atOrAfter, uint64_t& before) {
    const IndexCheckpoint& cp = m_index.checkpointBeforeTime(t);
    seekCheckpoint(cp);
    before = cp.row > 0 ? cp.row - 1 : kNoRow;
    atOrAfter = m_index.rows();
    EventRef ev;
    uint64_t row = 0;
    while (next(ev, row)) {
        if (ev.ts >= t) {
            atOrAfter = row;
            return;
        }
        before = row;
    }
}

}  // namespace kestrel
