#pragma once
// Decodes one ring-buffer page (sub-buffer) into events: a pure function over bytes.
// Layout per kernel/trace/ring_buffer.c and libtraceevent's kbuffer-parse.c:
//   u64 timestamp | long commit (flags in bits 30/31) | events... [| long missed count]
// Each event: u32 header {type_len:5, time_delta:27} (bitfield flipped on big endian).
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/trace_meta.h"

namespace kestrel {

// No sub-buffer is larger than this: buffer_subbuf_size_kb allows at most 128 system
// pages (kernel/trace/trace.c, "limit between 1 and 128 system pages"), 8 MiB with 64 KiB
// pages. A size beyond it read from a file is corruption.
inline constexpr uint32_t kMaxPageSize = 8u << 20;

struct PageFormat {
    uint32_t dataOffset = 16;  // where events start (header_page "data" field)
    uint32_t commitSize = 8;   // the kernel's long
    uint32_t pageSize = 4096;  // dataOffset + data size
    bool bigEndian = false;

    // Reads offsets from the text of events/header_page.
    static Result<PageFormat> fromHeaderPage(const std::string& headerPage, bool bigEndian);
};

// The page format of every buffer of `meta` (index: TraceMeta::buffers): header_page's
// layout with the buffer's own sub-buffer size, which buffer_subbuf_size_kb can make
// larger than a page. Fails on a header_page it cannot read or an impossible size.
Result<std::vector<PageFormat>> bufferPageFormats(const TraceMeta& meta);

struct PageHeader {
    uint64_t timestamp = 0;
    uint32_t length = 0;        // bytes of event data (commit & 0x7ffffff)
    bool missedEvents = false;  // RB_MISSED_EVENTS: events were lost before this page
    bool missedStored = false;  // RB_MISSED_STORED: the count follows the data
    uint64_t missedCount = 0;   // valid when missedStored
};

// One data event of a page. `data` points at the payload (common_type first).
struct RawEvent {
    uint64_t ts = 0;
    const uint8_t* data = nullptr;
    uint32_t size = 0;
};

class PageReader {
public:
    // Validates the header; the page bytes must stay alive while iterating.
    Status load(const uint8_t* page, uint32_t available, const PageFormat& format);
    const PageHeader& header() const { return m_header; }
    // Advances to the next data event. Returns false at the end of the page or on a
    // malformed event (then error() says what and where, relative to the page start).
    bool next(RawEvent& event);
    const std::string& error() const { return m_error; }

private:
    bool fail(uint32_t offset, const char* what);

    const uint8_t* m_page = nullptr;
    uint32_t m_pos = 0;  // offset in page of the next event header
    uint32_t m_end = 0;  // dataOffset + length
    uint64_t m_ts = 0;
    bool m_big = false;
    PageHeader m_header;
    std::string m_error;
};

}  // namespace kestrel
