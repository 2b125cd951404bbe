#pragma once
// A frame is the unit of I/O and decompression: consecutive raw ring-buffer pages
// of one CPU. In .ktr it is one zstd frame; in trace.dat v7 one compressed chunk;
// in trace.dat v6 a run of uncompressed pages.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace kestrel {

enum class Codec : uint8_t { None = 0, Zstd = 1, Zlib = 2 };

inline constexpr uint64_t kUnknownTime = std::numeric_limits<uint64_t>::max();
inline constexpr uint32_t kUnknownCount = std::numeric_limits<uint32_t>::max();

struct FrameRef {
    uint64_t offset = 0;  // file offset of the (compressed) bytes
    uint32_t csize = 0;   // bytes in the file
    uint32_t usize = 0;   // bytes once decompressed: a whole number of pages
    uint32_t cpu = 0;     // global CPU index (TraceMeta::cpus)
    Codec codec = Codec::None;
    uint64_t tFirst = kUnknownTime;  // raw timestamps, before TraceMeta::tsOffset
    uint64_t tLast = kUnknownTime;
    uint32_t events = kUnknownCount;
    uint64_t lost = 0;  // events the kernel reported missed inside this frame
};

using FrameIndex = std::vector<FrameRef>;

// Indices into `frames` of each global CPU's frames, in file order: a CPU's frames are
// written in time order, so file order is time order. Frames naming a CPU >= `cpus`
// are left out (readers reject them).
std::vector<std::vector<uint32_t>> framesByCpu(const FrameIndex& frames, size_t cpus);

}  // namespace kestrel
