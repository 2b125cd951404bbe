#pragma once
// Imports trace-cmd's trace.dat (v6 uncompressed, v7 with sections and zstd/zlib/none
// compression) as a TraceSource: metadata into TraceMeta, the ring-buffer pages as a
// FrameIndex. docs/tracedat-import.md describes what is supported and skipped.
//
// Design: opening reads the header, the metadata and the per-CPU chunk/page tables only.
// v7 compressed data: one frame per trace-cmd chunk (10 pages), tFirst from streaming
// just the first page header out of the chunk. v6 and uncompressed v7: frames of up to
// 64 contiguous pages, tFirst read with one pread. Corrupt or truncated CPU data ends
// that CPU's index with a warning (see warnings()); corrupt headers and metadata fail
// the open. readFrame() is thread-safe: pread plus per-thread decompression state.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/frame_index.h"
#include "base/status.h"
#include "base/trace_meta.h"
#include "base/trace_source.h"
#include "import/tracedat_file.h"
#include "import/tracedat_options.h"

namespace kestrel {

class TraceDatReader : public TraceSource {
public:
    static constexpr uint32_t kPagesPerFrame = 64;            // v6 / uncompressed frames
    static constexpr uint32_t kMaxFrameBytes = 64u << 20;     // bound on any frame's usize
    static constexpr uint32_t kMaxSectionBytes = 256u << 20;  // bound on metadata blocks
    static constexpr size_t kSectionHeaderBytes = 16;  // u16 id, u16 flags, u32 string, u64 size
    static constexpr uint16_t kSectionCompressed = 1;  // TRACECMD_SEC_FL_COMPRESS

    static Result<std::unique_ptr<TraceDatReader>> open(const std::string& path);

    const std::string& path() const override { return m_file.path(); }
    std::string formatName() const override;
    const TraceMeta& meta() const override { return m_meta; }
    const FrameIndex& frames() const override { return m_frames; }
    Status readFrame(size_t index, std::vector<uint8_t>& out) const override;
    bool recovered() const override { return !m_warnings.empty(); }
    uint64_t fileSize() const override { return m_file.size(); }

    uint32_t version() const { return m_version; }
    Codec codec() const { return m_codec; }
    // Problems that cut a CPU's data short (truncation, corrupt chunk headers).
    std::vector<std::string> warnings() const override { return m_warnings; }
    std::vector<uint32_t> cutShortCpus() const override { return m_cutShort; }
    // TSC2NSEC: timestamps are TSC cycles; trace-cmd report shows
    // (ts * mult) >> shift + tsOffset. TraceMeta has no field for it (yet).
    const std::optional<TraceDatTsc2Nsec>& tsc2nsec() const { return m_options.tsc2nsec; }

private:
    explicit TraceDatReader(const std::string& path) : m_file(path) {}

    // One buffer's per-CPU data, from a v7 BUFFER option or a v6 flyrecord block.
    struct BufferData {
        std::string name;
        std::string clock;
        uint32_t pageSize = 0;
        bool compressed = false;
        std::vector<TraceDatCpuData> cpus;
        std::vector<uint32_t> cutShort;  // CPU numbers whose data the file lacks the end of
        bool placeholder = false;        // the top buffer, made up: no BUFFER option names it
    };

    Status readInitialHeader(TraceDatCursor& in);
    Status readV6(TraceDatCursor& in);
    Status readV6Flyrecord(TraceDatCursor& in, BufferData& buffer, uint32_t cpus);
    Status readV6Options(TraceDatCursor& in);
    Status readV7(TraceDatCursor& in);
    Status readV7Options(uint64_t offset);
    Status readV7Metadata();
    Status readV7Buffers();
    bool pastTheEnd(uint64_t sectionOffset) const;
    uint64_t sectionSize(uint64_t sectionOffset) const;  // UINT64_MAX when unreadable
    // A file cut short (tracedat_recover.cpp): the buffers whose CPU table was lost.
    void recoverV7Tail();
    void recoverBuffer(uint64_t offset, uint16_t flags, uint64_t size);
    std::string unclaimedBufferName() const;
    std::vector<uint32_t> cpusWithData(const std::string& buffer) const;
    Status readSectionHeader(uint64_t offset, uint16_t id, const char* what, uint16_t& flags,
                             uint64_t& size);
    Result<std::string> readSection(uint64_t offset, uint16_t id, const char* what);
    Status applyOptionBody(TraceDatCursor& in, uint16_t id, bool sections);

    Status finishMeta();
    void indexCpu(const BufferData& buffer, const TraceDatCpuData& data, uint32_t globalCpu);
    void indexPages(const BufferData& buffer, const TraceDatCpuData& data, uint32_t globalCpu);
    void indexChunks(const BufferData& buffer, const TraceDatCpuData& data, uint32_t globalCpu);
    void warn(std::string message) { m_warnings.push_back(std::move(message)); }
    void cutShort(uint32_t globalCpu);
    std::string describeRecording() const;

    TraceDatFile m_file;
    uint32_t m_version = 0;
    Codec m_codec = Codec::None;
    std::string m_compressionVersion;
    uint32_t m_fileLongSize = 0;  // the recording program's long, for `recorded` only
    uint32_t m_headerCpus = 0;    // v6: the CPU count before the options
    uint32_t m_dataOffset = 16;   // header_page data field offset (page header bytes)
    TraceDatOptions m_options;
    std::vector<BufferData> m_buffers;  // parallel to m_meta.buffers
    uint64_t m_optionsEnd = 0;          // v7: end of the last options section read
    std::vector<uint32_t> m_cutShort;   // global CPUs: see cutShortCpus()
    TraceMeta m_meta;
    FrameIndex m_frames;
    std::vector<std::string> m_warnings;
};

// Opens a trace-cmd trace.dat file (v6 or v7).
Result<std::unique_ptr<TraceSource>> openTraceDat(const std::string& path);

}  // namespace kestrel
