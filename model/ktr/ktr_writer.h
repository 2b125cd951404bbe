#pragma once
// Writes a .ktr file (layout: docs/ktr-format.md). Append-only: header and metadata
// first, then frames as they fill, then late metadata and the frame index on finish().
// A file whose writer died before finish() is still readable up to its last whole
// frame (KtrReader rebuilds the index by scanning).
//
// Thread use: compressFrame() is a pure function safe to call from any thread, so
// recorders compress off their reader threads; appendCompressed() and finish() must
// be serialized by the caller.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/frame_index.h"
#include "base/output_file.h"
#include "base/status.h"
#include "base/trace_meta.h"
#include "ring/page_decoder.h"

namespace kestrel {

namespace ktr {
struct BlockHeader;
}  // namespace ktr

// A frame ready to append: compressed bytes plus the header figures.
struct CompressedFrame {
    FrameRef ref;                // cpu, usize, csize, tFirst, tLast, events, lost (offset unset)
    std::vector<uint8_t> bytes;  // one zstd frame
    bool lostUnknown = false;    // a page had RB_MISSED_EVENTS without a stored count
};

class KtrWriter {
public:
    static constexpr uint32_t kDefaultPagesPerFrame = 64;

    // kInPlace: `path` is truncated and grows block by block, so a recorder killed mid-way
    // leaves a readable file. kReplace: the blocks go to a temporary file beside it
    // (base/output_file.h) that finish() renames over `path`; a writer destroyed before
    // that leaves `path` as it was.
    enum class Mode { kInPlace, kReplace };

    ~KtrWriter();
    // `metaLevel`: zstd level of the metadata blocks (kallsyms is most of a small trace).
    static Result<std::unique_ptr<KtrWriter>> create(const std::string& path, const TraceMeta& meta,
                                                     int metaLevel = 3, Mode mode = Mode::kInPlace);

    // Decodes `pages` (a whole number of meta.pageSize / buffer subbuf pages of one CPU)
    // for the header figures, then zstd-compresses them. Pure; any thread.
    static Result<CompressedFrame> compressFrame(uint32_t cpu, const uint8_t* pages, size_t size,
                                                 const PageFormat& format, int level = 3);

    Status appendCompressed(const CompressedFrame& frame);
    Status appendPages(uint32_t cpu, const uint8_t* pages, size_t size);  // compress + append
    // Replaces metadata that is only known at the end (saved_cmdlines, per-CPU stats...).
    void updateMeta(const TraceMeta& meta) { m_meta = meta; }
    Status finish();  // late metadata + index + footer; closes the file

    const PageFormat& pageFormat(uint32_t cpu) const;
    uint64_t bytesWritten() const { return m_offset; }
    const FrameIndex& frames() const { return m_frames; }

private:
    KtrWriter() = default;
    Status writeAll(const void* data, size_t size);
    // Writes header + payload; on failure cuts the file back to its last whole block.
    Status writeBlock(const ktr::BlockHeader& header, const uint8_t* payload, size_t size);
    // The late block (finish) leaves out the static parts that match the first block:
    // kallsyms alone is megabytes. The reader takes them from the first block.
    Status writeMeta(bool late = false);
    Status fail(Status status);
    const PageFormat* formatFor(uint32_t cpu) const;

    bool m_failed = false;
    int m_metaLevel = 3;
    std::vector<uint32_t> m_frameFlags;  // ktr block flags per entry of m_frames

    std::string m_path;
    int m_fd = -1;
    std::unique_ptr<OutputFile> m_output;  // kReplace: owns m_fd
    uint64_t m_offset = 0;
    TraceMeta m_meta;
    TraceMeta m_firstMeta;              // as written in the first metadata block
    std::vector<PageFormat> m_formats;  // per buffer
    FrameIndex m_frames;
};

}  // namespace kestrel
