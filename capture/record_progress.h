#pragma once
// The live figures of `ktr record --status-fd N` as text lines, one per update, so that
// a program running the recorder (the GUI) reads them without scraping the progress line:
//
//   ktr-status elapsed 1.503 cpu 0 1200 409600 102400 0 cpu 1 ... [error TEXT]
//
// After "cpu": the global CPU index, then events, raw bytes, compressed bytes and lost
// events of that CPU so far. "error" ends the line; its text is the recorder's failure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recorder.h"

namespace kestrel {

struct RecordProgress {
    double elapsedSec = 0;
    struct Cpu {
        uint32_t cpu = 0;
        uint64_t events = 0;
        uint64_t rawBytes = 0;
        uint64_t compressedBytes = 0;
        uint64_t lost = 0;
        bool operator==(const Cpu&) const = default;
    };
    std::vector<Cpu> cpus;
    std::string error;
    bool operator==(const RecordProgress&) const = default;
};

// Lost counts are the larger of what the pages flagged and the kernel's overrun figure.
RecordProgress progressOf(const RecordStatus& status);
// One line, without the newline.
std::string formatProgress(const RecordProgress& progress);
// Nothing when `line` is not a status line (or is cut short).
std::optional<RecordProgress> parseProgress(const std::string& line);

}  // namespace kestrel
