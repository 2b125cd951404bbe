#include "decode/event_cursor.h"

#include <algorithm>

namespace kestrel {

EventCursor::EventCursor(const TraceModel& model, CursorOptions options)
    : m_model(model), m_options(std::move(options)) {
    for (uint32_t c = 0; c < model.cpuCount(); ++c) {
        if (!m_options.cpus.empty() && (c >= m_options.cpus.size() || !m_options.cpus[c])) continue;
        Stream s;
        s.cpu = c;
        m_streams.push_back(std::move(s));
    }
    seek(m_options.from);
}

bool EventCursor::loadFrame(Stream& s) {
    const CpuTrack& track = m_model.cpu(s.cpu);
    if (m_options.streaming && s.mayUseScratch) {
        s.frame.reset();  // drop our reference so the buffer can be reused below
        if (!s.scratch || s.scratch.use_count() > 1) {
            s.scratch = std::make_shared<std::vector<uint8_t>>();
        }
        m_status = m_model.source().readFrame(track.frames[s.slot], *s.scratch);
        if (!m_status.ok()) return false;
        s.frame = s.scratch;
        s.pageAt = 0;
        s.pageLoaded = false;
        return true;
    }
    auto bytes = m_model.cache().get(track.frames[s.slot]);
    if (!bytes) {
        m_status = bytes.status();
        return false;
    }
    s.frame = std::move(bytes.value());
    s.pageAt = 0;
    s.pageLoaded = false;
    return true;
}

// Loads the next non-empty page of the stream, crossing frames; false at the end.
bool EventCursor::loadNextPage(Stream& s) {
    const CpuTrack& track = m_model.cpu(s.cpu);
    const PageFormat& format = track.format;
    for (;;) {
        if (s.frame && s.pageLoaded) s.pageAt += format.pageSize;
        if (!s.frame || s.pageAt + format.dataOffset > s.frame->size()) {
            if (s.frame) ++s.slot;
            s.frame.reset();
            if (s.slot >= track.frames.size()) return false;
            if (!loadFrame(s)) return false;
        }
        s.pageLoaded = true;
        size_t avail = std::min<size_t>(format.pageSize, s.frame->size() - s.pageAt);
        Status st = s.reader.load(s.frame->data() + s.pageAt, static_cast<uint32_t>(avail), format);
        if (!st.ok()) {
            m_status = Status::error(errorAt(m_model.source().path(),
                                             m_model.frames()[track.frames[s.slot]].offset,
                                             m_model.cpuLabel(s.cpu) + " frame page at +" +
                                                 std::to_string(s.pageAt) + ": " + st.message()));
            return false;
        }
        const PageHeader& h = s.reader.header();
        if (h.missedEvents) {
            s.missedNext += h.missedCount;
            s.missedUnknownNext = s.missedUnknownNext || !h.missedStored;
        }
        return true;
    }
}

bool EventCursor::advance(Stream& s) {
    s.pending = false;
    for (;;) {
        if (s.pageLoaded && s.reader.next(s.event.raw)) break;
        if (s.pageLoaded && !s.reader.error().empty()) {
            const CpuTrack& track = m_model.cpu(s.cpu);
            m_status = Status::error(
                errorAt(m_model.source().path(), m_model.frames()[track.frames[s.slot]].offset,
                        m_model.cpuLabel(s.cpu) + " frame page at +" + std::to_string(s.pageAt) +
                            ": " + s.reader.error()));
            return false;
        }
        if (!loadNextPage(s)) return false;
    }
    s.event.cpu = s.cpu;
    s.event.ts = m_model.toTraceTime(s.event.raw.ts);
    s.event.missedBefore = s.missedNext;
    s.event.missedUnknown = s.missedUnknownNext;
    s.missedNext = 0;
    s.missedUnknownNext = false;
    if (s.event.ts > m_options.to) return false;
    s.pending = true;
    return true;
}

void EventCursor::seek(uint64_t t) {
    t = std::max(t, m_options.from);
    uint64_t raw = m_model.toRawTime(t);
    const FrameIndex& frames = m_model.frames();
    for (Stream& s : m_streams) {
        const CpuTrack& track = m_model.cpu(s.cpu);
        // Last frame that starts at or before t: the first event >= t is in it or later.
        auto it = std::upper_bound(track.frames.begin(), track.frames.end(), raw,
                                   [&](uint64_t v, uint32_t f) { return v < frames[f].tFirst; });
        s.slot =
            it == track.frames.begin() ? 0 : static_cast<size_t>(it - track.frames.begin() - 1);
        s.frame.reset();
        s.pageLoaded = false;
        s.missedNext = 0;
        s.missedUnknownNext = false;
        while (advance(s) && s.event.ts < t) {
        }
    }
    m_lastStream = -1;
    rebuildHeap();
}

bool EventCursor::heapLess(uint32_t a, uint32_t b) const {
    const Stream& x = m_streams[a];
    const Stream& y = m_streams[b];
    if (x.event.ts != y.event.ts) return x.event.ts < y.event.ts;
    return x.cpu < y.cpu;
}

void EventCursor::siftDown(size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < m_heap.size() && heapLess(m_heap[l], m_heap[m])) m = l;
        if (r < m_heap.size() && heapLess(m_heap[r], m_heap[m])) m = r;
        if (m == i) return;
        std::swap(m_heap[i], m_heap[m]);
        i = m;
    }
}

void EventCursor::siftUp(size_t i) {
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!heapLess(m_heap[i], m_heap[p])) return;
        std::swap(m_heap[i], m_heap[p]);
        i = p;
    }
}

void EventCursor::rebuildHeap() {
    m_heap.clear();
    for (uint32_t i = 0; i < m_streams.size(); ++i) {
        if (m_streams[i].pending) m_heap.push_back(i);
    }
    for (size_t i = m_heap.size(); i-- > 0;) siftDown(i);
}

bool EventCursor::next(EventRef& event) {
    // The stream returned last time is advanced lazily, so that peekSameCpu() can
    // still look at its lookahead event.
    if (m_lastStream >= 0) {
        Stream& s = m_streams[m_lastStream];
        if (advance(s))
            siftDown(0);
        else {
            m_heap[0] = m_heap.back();
            m_heap.pop_back();
            if (!m_heap.empty()) siftDown(0);
        }
        m_lastStream = -1;
    }
    if (m_heap.empty() || !m_status.ok()) return false;
    Stream& top = m_streams[m_heap[0]];
    event = top.event;
    m_lastStream = static_cast<int>(m_heap[0]);
    return true;
}

bool EventCursor::peekSameCpu(EventRef& event) const {
    if (m_lastStream < 0) return false;
    // The returned event is still the stream's `event`; its successor is not decoded
    // yet, so decode it on a copy of the reader state.
    Stream copy = m_streams[m_lastStream];
    copy.mayUseScratch = false;  // it must not overwrite the frame the caller still reads
    auto* self = const_cast<EventCursor*>(this);
    Status saved = m_status;
    bool ok = self->advance(copy);
    self->m_status = saved;
    if (!ok) return false;
    event = copy.event;
    return true;
}

bool EventCursor::peekNextIfSameCpu(EventRef& event) const {
    if (!peekSameCpu(event)) return false;
    // m_heap[0] is the stream just returned; the earliest other stream is a child of it.
    for (size_t child = 1; child <= 2 && child < m_heap.size(); ++child) {
        const EventRef& other = m_streams[m_heap[child]].event;
        if (other.ts < event.ts || (other.ts == event.ts && other.cpu < event.cpu)) return false;
    }
    return true;
}

void EventCursor::skipSameCpu() {
    if (m_lastStream < 0) return;
    Stream& s = m_streams[m_lastStream];
    advance(s);  // now s.event is the skipped one; next() advances past it
}

}  // namespace kestrel
