#pragma once
// Reads a .ktr file (layout: docs/ktr-format.md).
//
// Opening touches only the file header, the metadata block and the footer's frame
// index, so time and memory grow with the number of frames, not events. Every length
// and offset from the file is checked against the file size (and a sane maximum)
// before it is used. A file without a valid footer (its recorder was killed, or the
// footer is damaged) is opened by scanning block headers from the start; the scan
// stops at the first truncated or corrupt block and recovered() turns true.
//
// readFrame is thread-safe: pread on one descriptor, one zstd context per thread.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/trace_source.h"

namespace kestrel {

namespace ktr {
struct BlockHeader;
struct Footer;
}  // namespace ktr

class KtrReader final : public TraceSource {
public:
    static Result<std::unique_ptr<KtrReader>> open(const std::string& path);
    ~KtrReader() override;
    KtrReader(const KtrReader&) = delete;
    KtrReader& operator=(const KtrReader&) = delete;

    const std::string& path() const override { return m_path; }
    std::string formatName() const override;
    const TraceMeta& meta() const override { return m_meta; }
    const FrameIndex& frames() const override { return m_frames; }
    Status readFrame(size_t index, std::vector<uint8_t>& out) const override;
    // Reads the frame's block and checks its header against the index, its checksum and
    // its sizes, without decompressing it.
    Status checkFrame(size_t index) const override;
    bool recovered() const override { return m_recovered; }
    uint64_t fileSize() const override { return m_size; }

    uint32_t version() const { return m_version; }
    // True when frame `index` saw RB_MISSED_EVENTS without a stored count: its `lost`
    // figure is then a lower bound.
    bool lostCountUnknown(size_t index) const;
    // Why the footer was not used, when recovered() is true.
    const std::string& recoveryReason() const { return m_recoveryReason; }
    std::vector<std::string> warnings() const override;

private:
    KtrReader() = default;
    Status readFileHeader();
    Status openFromFooter();
    Status loadIndex(const ktr::Footer& footer, const ktr::BlockHeader& indexHeader);
    Status openByScan();
    Status readAt(uint64_t offset, void* buffer, size_t size) const;
    Result<ktr::BlockHeader> readBlockHeader(uint64_t offset) const;
    // `decompress` false: stop after the checksum and size checks.
    Status readPayload(uint64_t offset, const ktr::BlockHeader& h, uint32_t maxSize,
                       std::vector<uint8_t>& out, bool decompress = true) const;
    Status loadFrame(size_t index, std::vector<uint8_t>& out, bool decompress) const;
    Result<TraceMeta> loadMeta(uint64_t offset, const ktr::BlockHeader& h) const;
    Status checkFrame(uint64_t offset, const ktr::BlockHeader& h, uint64_t limit) const;
    void addFrame(uint64_t offset, const ktr::BlockHeader& h);

    std::string m_path;
    int m_fd = -1;
    uint64_t m_size = 0;
    uint32_t m_version = 0;
    uint64_t m_dataStart = 0;  // end of the file header: the first block
    TraceMeta m_meta;
    FrameIndex m_frames;
    std::vector<uint32_t> m_frameFlags;  // ktr block flags per frame
    bool m_recovered = false;
    uint64_t m_scanEnd = 0;  // where the recovery scan stopped (the file size when at its end)
    std::string m_recoveryReason;
};

// Opens a .ktr file; the TraceSource is a KtrReader.
Result<std::unique_ptr<TraceSource>> openKtr(const std::string& path);

}  // namespace kestrel
