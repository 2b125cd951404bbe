#pragma once
// A trace file opened for reading: metadata, the frame index and random access to
// frames. Implemented by KtrReader (.ktr) and TraceDatReader (trace-cmd trace.dat).
// readFrame is thread-safe (pread on a shared descriptor).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/frame_index.h"
#include "base/status.h"
#include "base/trace_meta.h"

namespace kestrel {

class TraceSource {
public:
    virtual ~TraceSource() = default;
    virtual const std::string& path() const = 0;
    virtual std::string formatName() const = 0;  // "ktr 1", "trace.dat 7 (zstd)", ...
    virtual const TraceMeta& meta() const = 0;
    virtual const FrameIndex& frames() const = 0;
    // Decompresses frame `index` into `out` (resized to usize).
    virtual Status readFrame(size_t index, std::vector<uint8_t>& out) const = 0;
    // Whether frame `index` reads whole, as cheaply as the format allows (a .ktr frame's
    // checksum without decompressing it). Thread-safe.
    virtual Status checkFrame(size_t index) const {
        std::vector<uint8_t> bytes;
        return readFrame(index, bytes);
    }
    // True when the file had no valid index and it was rebuilt by scanning.
    virtual bool recovered() const { return false; }
    // What opening found missing or damaged, one line each, saying where and how much
    // (a truncated file, an index rebuilt by scanning, chunks skipped); empty when whole.
    virtual std::vector<std::string> warnings() const { return {}; }
    // Global CPUs of which the file holds only the first part of the data, or none,
    // though it was recorded (a file cut short): what they did after their last event
    // is missing, and the sched analysis draws that as a gap to the trace's end.
    virtual std::vector<uint32_t> cutShortCpus() const { return {}; }
    virtual uint64_t fileSize() const = 0;
};

// The two readers (ktr_reader.cpp, import/tracedat_reader.cpp).
Result<std::unique_ptr<TraceSource>> openKtr(const std::string& path);
Result<std::unique_ptr<TraceSource>> openTraceDat(const std::string& path);

// Opens .ktr or trace.dat by looking at the magic bytes.
Result<std::unique_ptr<TraceSource>> openTrace(const std::string& path);

}  // namespace kestrel
