#pragma once
// Makes a big trace from a recorded one for the benchmarks: N copies of every event of the
// input, copy k moved k x (the input's duration + a gap) later, written as a .ktr. Every
// time a page holds moves: the page header's timestamp, the absolute time stamps inside
// pages (type_len 31; the deltas and time extends are relative and stay), and the record
// fields that hold trace-clock times (funcgraph_exit's calltime and rettime), so the result
// is analysed like N recordings made one after the other. Everything else is kept byte for
// byte: the metadata (formats, kallsyms, cmdlines), the missed-event flags and counts of
// every page (each copy reports the losses the input did).
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/trace_source.h"
#include "formats/event_formats.h"
#include "ring/page_decoder.h"

namespace kestrel::bench {

// The record fields that hold trace-clock times: the u64 fields named calltime or rettime
// of the ftrace formats (funcgraph_exit's). Empty without formats: only the stamps move.
struct RecordTimes {
    struct Type {
        uint16_t id = 0;
        std::vector<uint16_t> offsets;  // of 8-byte fields in the payload
    };
    const EventFormats* formats = nullptr;  // reads common_type; null: no fields move
    std::vector<Type> types;

    static RecordTimes of(const EventFormats& formats);
};

// Adds `shift` to every time page `page` (format.pageSize bytes) holds, in place. Fails on
// a page that does not decode or an absolute stamp the shift would carry past 59 bits.
Status shiftPage(uint8_t* page, const PageFormat& format, uint64_t shift, const RecordTimes& times);

// First and last event time of the input, raw (before tsOffset); first > last when it has
// no event.
struct TimeRange {
    uint64_t first = UINT64_MAX;
    uint64_t last = 0;
};
Result<TimeRange> eventTimeRange(const TraceSource& source);

struct RepeatStats {
    uint64_t shift = 0;  // copy k moves k x shift ns
    uint64_t pages = 0;  // pages written (all copies)
    uint64_t frames = 0;
    uint64_t bytesWritten = 0;
    std::vector<std::string> skipped;  // input pages that do not decode, left out of every copy
};

inline constexpr uint64_t kDefaultGap = 1'000'000;  // ns between the copies

// Writes `copies` copies of `source`'s events to `outPath` (replaced once whole). `threads`
// = 0 compresses on every core.
Result<RepeatStats> repeatTrace(const TraceSource& source, const std::string& outPath,
                                unsigned copies, uint64_t gap = kDefaultGap, unsigned threads = 0);

}  // namespace kestrel::bench
