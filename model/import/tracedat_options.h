#pragma once
// trace.dat options: (u16 id, u32 size, data) records, read by the same code for v6
// (one list ended by id 0) and v7 (options sections chained by DONE). Pure over bytes.
// Ids and layouts follow trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v7.5.txt and
// handle_options() in lib/trace-cmd/trace-input.c; unknown ids are skipped.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace kestrel {

enum TraceDatOptionId : uint16_t {
    kOptDone = 0,
    kOptDate = 1,
    kOptCpuStat = 2,
    kOptBuffer = 3,
    kOptTraceClock = 4,
    kOptUname = 5,
    kOptHook = 6,
    kOptOffset = 7,
    kOptCpuCount = 8,
    kOptVersion = 9,
    kOptProcMaps = 10,
    kOptTraceId = 11,
    kOptTimeShift = 12,
    kOptGuest = 13,
    kOptTsc2Nsec = 14,
    kOptStrings = 15,
    kOptHeaderInfo = 16,
    kOptFtraceEvents = 17,
    kOptEventFormats = 18,
    kOptKallsyms = 19,
    kOptPrintk = 20,
    kOptCmdlines = 21,
    kOptBufferText = 22,
    kOptBtfFile = 23,
    kOptLastBootInfo = 24,
    kOptModulesFile = 25,
};

// trace-cmd numbers CPUs with ints; more than this many is taken as corruption.
inline constexpr uint32_t kTraceDatMaxCpus = 4096;

struct TraceDatCpuData {
    uint32_t cpu = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
};

// A BUFFER (or BUFFER_TEXT) option. v6 stores only offset and name.
struct TraceDatBufferOption {
    uint64_t offset = 0;  // v7: its flyrecord section; v6: its "flyrecord" block
    std::string name;     // "" for the top buffer
    std::string clock;
    uint32_t pageSize = 0;
    std::vector<TraceDatCpuData> cpus;  // CPUs with data (v7)
    bool latency = false;               // BUFFER_TEXT: an ASCII latency trace
};

struct TraceDatCpuStat {
    std::string buffer;  // "" until a "Buffer: NAME" CPUSTAT switches it
    uint32_t cpu = 0;
    uint64_t overrun = 0;
    uint64_t dropped = 0;
    uint64_t readEvents = 0;  // events the recorder read from this CPU
};

struct TraceDatTsc2Nsec {
    uint32_t mult = 0;
    uint32_t shift = 0;
    uint64_t offset = 0;
};

struct TraceDatOptions {
    std::vector<TraceDatBufferOption> buffers;
    std::map<uint16_t, uint64_t> sections;  // v7 metadata section id -> file offset
    std::string clock;                      // from TRACECLOCK: the bracketed name
    std::string uname;
    std::string version;   // trace-cmd's version string
    int64_t tsOffset = 0;  // DATE (µs -> ns) + OFFSET, as trace-cmd adds
    std::optional<TraceDatTsc2Nsec> tsc2nsec;
    std::optional<uint32_t> cpuCount;
    std::vector<TraceDatCpuStat> cpuStats;
    std::string statBuffer;               // CPUSTAT's current buffer
    std::vector<std::string> present;     // option names in file order, once each
    std::optional<uint64_t> nextSection;  // v7 DONE: next options section (0 = none)
};

// Applies one option. `sections` is true for v7 (changes the BUFFER layout).
// Errors describe the problem relative to the option's data; the caller adds the place.
Status applyTraceDatOption(uint16_t id, const uint8_t* data, size_t size, bool bigEndian,
                           bool sections, TraceDatOptions& options);

const char* traceDatOptionName(uint16_t id);

// "[local] global counter" -> "local" (trace-input.c tracecmd_parse_trace_clock).
std::string selectedTraceClock(const std::string& traceClockFile);

}  // namespace kestrel
