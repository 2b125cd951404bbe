#pragma once
// The indexed event model. Opening reads the file header, metadata and frame index
// only (plus the last frame of each CPU for its end time); events are decoded on
// demand through a bounded frame cache. Frames are grouped per CPU in time order, so
// seeking is a binary search over one CPU's frame start times.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/trace_source.h"
#include "decode/damage.h"
#include "decode/frame_cache.h"
#include "ring/page_decoder.h"

namespace kestrel {

struct ModelOptions {
    size_t cacheBytes = FrameCache::kDefaultBytes;
};

// One CPU (of one buffer) as the model sees it.
struct CpuTrack {
    std::vector<uint32_t> frames;  // indices into source().frames(), in time order
    PageFormat format;
    uint64_t firstTs = kUnknownTime;  // raw timestamps (before tsOffset)
    uint64_t lastTs = kUnknownTime;
    uint64_t events = 0;      // valid when eventsKnown
    bool eventsKnown = true;  // false when any frame lacks a count (trace.dat)
    uint64_t lost = 0;        // lost events the frame headers report
    // Per frame: the largest start time of this frame and those before it. Seeking
    // binary-searches these, not the start times themselves: a damaged page header (a
    // timestamp of 0) can make a frame claim to start before the one before it.
    std::vector<uint64_t> seekKeys;
    uint32_t framesOutOfOrder = 0;  // frames whose start time is below seekKeys' so far
};

class TraceModel {
public:
    static Result<std::unique_ptr<TraceModel>> open(const std::string& path,
                                                    const ModelOptions& options = {});
    static Result<std::unique_ptr<TraceModel>> fromSource(std::unique_ptr<TraceSource> source,
                                                          const ModelOptions& options = {});

    const TraceSource& source() const { return *m_source; }
    const TraceMeta& meta() const { return m_source->meta(); }
    const FrameIndex& frames() const { return m_source->frames(); }
    size_t cpuCount() const { return m_cpus.size(); }
    const CpuTrack& cpu(size_t index) const { return m_cpus[index]; }
    FrameCache& cache() const { return *m_cache; }

    // Trace time range with the timestamp offset applied; 0/0 for an empty trace.
    uint64_t startTime() const;
    uint64_t endTime() const;
    // Called for every event: the offset is kept here, not fetched through the source.
    uint64_t toTraceTime(uint64_t raw) const { return raw + m_tsOffset; }
    uint64_t toRawTime(uint64_t t) const { return t - m_tsOffset; }
    // "sched cpu1" / "cpu1": how the UI and CLI name a global CPU index.
    std::string cpuLabel(size_t index) const;
    // The slot (into cpu(c).frames) of the first frame that may hold the events of CPU
    // `c` at raw time `raw` or later.
    size_t seekSlot(size_t c, uint64_t raw) const;

    // Frames and pages the passes could not read (see damage.h). A pass skips them and
    // notes them here: a frame that does not read, or one page of a frame from the byte
    // where it stopped decoding.
    void noteBadFrame(uint32_t frame, const std::string& reason) const;
    void noteBadPage(uint32_t frame, uint32_t page, const std::string& reason) const;
    std::vector<Damage> damage() const { return m_damage.all(); }
    bool damaged() const { return !m_damage.empty(); }
    // One line: where, how much, why ("cpu1: frame at offset 4096 (64 pages, 1,234 events)
    // skipped: block payload CRC mismatch").
    std::string describe(const Damage& d) const;

private:
    TraceModel() = default;
    Status buildTracks();
    Status findLastTimestamp(CpuTrack& track);

    uint64_t frameEnd(uint32_t frame) const;
    std::string withoutPath(const std::string& message) const;

    std::unique_ptr<TraceSource> m_source;
    uint64_t m_tsOffset = 0;  // TraceMeta::tsOffset, two's complement
    mutable DamageLog m_damage;
    std::unique_ptr<FrameCache> m_cache;
    std::vector<CpuTrack> m_cpus;
};

}  // namespace kestrel
