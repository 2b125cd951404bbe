#pragma once
// Everything needed to decode a trace on another machine (docs/ktr-format.md lists it).
// Filled by the .ktr reader, the trace.dat importer and the recorder alike.
#include <cstdint>
#include <string>
#include <vector>

namespace kestrel {

// One ring buffer: the top-level one (name "") or a tracefs instance.
struct BufferInfo {
    std::string name;
    std::string clock;        // trace clock of this buffer ("local", "mono", ...)
    uint32_t subbufSize = 0;  // bytes per ring-buffer page (sub-buffer)
};

// One CPU of one buffer. The model numbers CPUs globally: index into TraceMeta::cpus.
struct CpuInfo {
    uint32_t buffer = 0;   // index into TraceMeta::buffers
    uint32_t cpu = 0;      // CPU number inside that buffer
    uint64_t overrun = 0;  // from per_cpu/cpuN/stats at the end, when known
    uint64_t dropped = 0;
};

struct EventFormat {
    std::string system;  // "ftrace" for ftrace's own formats
    std::string text;    // events/SYSTEM/NAME/format verbatim
};

struct TraceMeta {
    bool bigEndian = false;
    uint32_t longSize = 8;     // the kernel's long: header_page's commit field size
    uint32_t pageSize = 4096;  // default sub-buffer size
    std::string headerPage;    // events/header_page verbatim
    std::string headerEvent;   // events/header_event verbatim
    std::vector<EventFormat> formats;
    std::string kallsyms;
    std::string printkFormats;
    std::string savedCmdlines;
    std::string savedTgids;
    std::string uname;       // "Linux host 6.18.0 ..." or kernel release only
    std::string traceClock;  // clock of the first buffer, for display
    std::string recorded;    // human-readable: events, tracer, options in effect
    int64_t tsOffset = 0;    // added to every timestamp (trace.dat TSC2NSEC/offset)
    std::vector<BufferInfo> buffers;
    std::vector<CpuInfo> cpus;
};

}  // namespace kestrel
