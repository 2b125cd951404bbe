#pragma once
// Walks events of a TraceModel in timestamp order, merging CPUs (ties: lower CPU
// first, as trace-cmd does). Each CPU is a stream over its frames with one event of
// lookahead; a small binary heap picks the earliest. No heap allocation per event:
// events point into frames held by the shared frame cache.
#include <cstdint>
#include <vector>

#include "base/status.h"
#include "decode/event_ref.h"
#include "decode/frame_cache.h"
#include "decode/trace_model.h"
#include "ring/page_decoder.h"

namespace kestrel {

// A place in the merged stream of every event: `row` events come before the first one at
// or after trace time `ts`. EventCursor::seek(ts) lands exactly there, so a pass that
// counts events per CPU can hand out row numbers without walking the merged order
// (analyzeSched does, and the event table's unfiltered index is built from them).
struct RowMark {
    uint64_t ts = 0;
    uint64_t row = 0;
};

struct CursorOptions {
    std::vector<bool> cpus;      // empty = all; else cpus[i] selects global CPU i
    uint64_t from = 0;           // trace time (tsOffset applied), inclusive
    uint64_t to = kUnknownTime;  // inclusive
    // One pass from start to end (dump, export): decode each CPU's frames into a reused
    // buffer instead of the shared cache, so the pass neither evicts what the views
    // cached nor pays for allocating and zeroing every frame.
    bool streaming = false;
};

class EventCursor {
public:
    explicit EventCursor(const TraceModel& model, CursorOptions options = {});

    // The next event in time order; false at the end. Frames and pages that do not
    // decode are skipped and noted in the model (TraceModel::damage()).
    bool next(EventRef& event);
    // The event that follows the last one returned on the same CPU, without consuming it.
    bool peekSameCpu(EventRef& event) const;
    // Like peekSameCpu, but only when that event is also the next one in time order
    // (no other CPU's event comes first): trace-cmd's condition for merging a
    // function_graph leaf (trace-ftrace.c, fgraph_ent_handler).
    bool peekNextIfSameCpu(EventRef& event) const;
    // Consumes the peeked event.
    void skipSameCpu();
    // Positions every CPU at its first event at or after trace time `t`: O(log frames).
    void seek(uint64_t t);

private:
    struct Stream {
        uint32_t cpu = 0;
        size_t slot = 0;  // position in the CPU's frame list
        FrameBytes frame;
        std::shared_ptr<std::vector<uint8_t>> scratch;  // streaming mode buffer
        bool mayUseScratch = true;  // false for the copies peekSameCpu() advances
        size_t pageAt = 0;          // offset of the current page in the frame
        PageReader reader;
        bool pageLoaded = false;
        bool pending = false;  // `event` holds the stream's next event
        EventRef event;
        uint64_t missedNext = 0;  // missed-events mark for the next event returned
        bool missedUnknownNext = false;
    };

    bool advance(Stream& s);
    bool loadNextPage(Stream& s);
    bool loadFrame(Stream& s);
    void rebuildHeap();
    bool heapLess(uint32_t a, uint32_t b) const;
    void siftDown(size_t i);
    void siftUp(size_t i);

    const TraceModel& m_model;
    CursorOptions m_options;
    std::vector<Stream> m_streams;
    std::vector<uint32_t> m_heap;  // indices into m_streams with a pending event
    int m_lastStream = -1;
};

}  // namespace kestrel
