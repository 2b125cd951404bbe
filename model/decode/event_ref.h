#pragma once
// One event as a cursor hands it out: the raw record (pointing into a frame the caller
// keeps alive) plus where and when it happened in the whole trace.
#include <cstdint>

#include "ring/page_decoder.h"

namespace kestrel {

struct EventRef {
    RawEvent raw;
    uint32_t cpu = 0;            // global CPU index (TraceMeta::cpus)
    uint64_t ts = 0;             // raw.ts + TraceMeta::tsOffset
    uint64_t missedBefore = 0;   // events lost just before this one (page flag), or
    bool missedUnknown = false;  //   an unknown number of them
};

}  // namespace kestrel
