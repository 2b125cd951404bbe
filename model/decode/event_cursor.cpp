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

// Loads the frame at s.slot. A frame that does not read is noted as damage and skipped:
// the stream goes on with the next one.
bool EventCursor::loadFrame(Stream& s) {
    const CpuTrack& track = m_model.cpu(s.cpu);
    for (; s.slot < track.frames.size(); ++s.slot) {
        const uint32_t frame = track.frames[s.slot];
        s.pageAt = 0;
        s.pageLoaded = false;
        if (m_options.streaming && s.mayUseScratch) {
            s.frame.reset();  // drop our reference so the buffer can be reused below
            if (!s.scratch || s.scratch.use_count() > 1) {
                s.scratch = std::make_shared<std::vector<uint8_t>>();
            }
            Status st = m_model.source().readFrame(frame, *s.scratch);
            if (st.ok()) {
                s.frame = s.scratch;
                return true;
            }
            m_model.noteBadFrame(frame, st.message());
            continue;
        }
        auto bytes = m_model.cache().get(frame);
        if (bytes) {
            s.frame = std::move(bytes.value());
            return true;
        }
        m_model.noteBadFrame(frame, bytes.message());
    }
    return false;
}

// Loads the next page of the stream that decodes, crossing frames; false at the end.
bool EventCursor::loadNextPage(Stream& s) {
    const CpuTrack& track = m_model.cpu(s.cpu);
    const PageFormat& format = track.format;
    for (;;) {
        if (s.frame && s.pageLoaded) s.pageAt += format.pageSize;
        if (!s.frame || s.pageAt + format.dataOffset > s.frame->size()) {
            if (s.frame) ++s.slot;
            s.frame.reset();
            if (!loadFrame(s)) return false;
        }
        s.pageLoaded = true;
        size_t avail = std::min<size_t>(format.pageSize, s.frame->size() - s.pageAt);
        Status st = s.reader.load(s.frame->data() + s.pageAt, static_cast<uint32_t>(avail), format);
        if (!st.ok()) {
            // A page that does not decode is skipped; the next page is independent.
            m_model.noteBadPage(track.frames[s.slot], static_cast<uint32_t>(s.pageAt),
                                st.message());
            s.pageLoaded = false;
            s.pageAt += format.pageSize;
            continue;
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
            // A malformed event ends its page: what follows it cannot be found.
            m_model.noteBadPage(m_model.cpu(s.cpu).frames[s.slot], static_cast<uint32_t>(s.pageAt),
                                s.reader.error());
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
    const uint64_t raw = t < static_cast<uint64_t>(std::max<int64_t>(m_model.meta().tsOffset, 0))
                             ? 0
                             : m_model.toRawTime(t);
    for (Stream& s : m_streams) {
        s.slot = m_model.seekSlot(s.cpu, raw);
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
    if (m_heap.empty()) return false;
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
    if (!const_cast<EventCursor*>(this)->advance(copy)) return false;
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
