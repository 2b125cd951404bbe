#pragma once
// Hand-built ring-buffer pages for tests, for the edge cases no real fixture holds.
// Layout per kernel/trace/ring_buffer.c, the same one ring/page_decoder.h reads:
//   u64 timestamp | long commit (length, bit 31 missed, bit 30 count stored) | events
//   [| long missed count] | zeros up to the page size
// Each event: u32 {type_len:5, time_delta:27} (type_len in the top bits on big endian).
//
//   PageWriter page;                                   // 4096 bytes, 8-byte long, LE
//   page.timestamp(1000)
//       .event(0, PageWriter::payload(372, 42, 64))    // type_len 16, ts 1000
//       .timeExtend(1ull << 30)                        // type_len 30
//       .event(7, PageWriter::payload(5, 1, 200))      // > 112 bytes: type_len 0
//       .missed(484);                                  // flags + count after the data
//   ASSERT_TRUE(page.ok());                            // false if something did not fit
//   std::vector<uint8_t> bytes = page.bytes();
#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::test {

struct PageLayout {
    uint32_t pageSize = 4096;  // whole sub-buffer, header included
    uint32_t longSize = 8;     // the kernel's long: size of commit and of the missed count
    bool bigEndian = false;
    uint32_t dataOffset() const { return 8 + longSize; }
};

class PageWriter {
public:
    explicit PageWriter(PageLayout layout = {});

    // The page header timestamp: the time base of the first event's delta.
    PageWriter& timestamp(uint64_t ts);
    // A data event `delta` ns after the previous one. The payload is zero-padded to a
    // multiple of 4; up to 112 bytes it is stored with type_len = size / 4 (1..28),
    // longer with type_len 0 and a length word, as the kernel does.
    PageWriter& event(uint32_t delta, const std::vector<uint8_t>& payload);
    // A data event always stored with type_len 0 (as RB_FORCE_8BYTE_ALIGNMENT kernels do).
    PageWriter& longEvent(uint32_t delta, const std::vector<uint8_t>& payload);
    // type_len 30: adds `delta` (up to 59 bits) to the running time.
    PageWriter& timeExtend(uint64_t delta);
    // type_len 31: sets the running time to `ts` (the low 59 bits are stored).
    PageWriter& absoluteStamp(uint64_t ts);
    // type_len 29 with a delta: a discarded event of `bytes` bytes in all (>= 8).
    PageWriter& padding(uint32_t delta, uint32_t bytes);
    // type_len 29 with delta 0 taking `bytes` bytes (>= 4): the decoder stops there.
    PageWriter& endPadding(uint32_t bytes);
    // RB_MISSED_EVENTS alone: events were lost before this page, count unknown.
    PageWriter& missed();
    // RB_MISSED_EVENTS | RB_MISSED_STORED with `count` stored right after the data.
    PageWriter& missed(uint64_t count);

    bool ok() const { return !m_overflow; }  // every piece fit in the page
    uint32_t length() const { return static_cast<uint32_t>(m_data.size()); }  // commit
    std::vector<uint8_t> bytes() const;  // exactly layout.pageSize bytes

    // A payload that starts with the common fields (common_type u16, common_flags u8,
    // common_preempt_count u8, common_pid s32), then bytes 8.. set to (i & 0xff), `size`
    // bytes in all (at least 8).
    static std::vector<uint8_t> payload(uint16_t type, int32_t pid, uint32_t size,
                                        bool bigEndian = false);
    // The events/header_page text the kernel prints for this layout.
    static std::string headerPage(PageLayout layout = {});

private:
    void header(uint32_t typeLen, uint32_t delta);
    void word(uint32_t value);
    bool room(size_t bytes);

    PageLayout m_layout;
    uint64_t m_timestamp = 0;
    std::vector<uint8_t> m_data;  // bytes after the page header
    bool m_missed = false;
    bool m_missedStored = false;
    uint64_t m_missedCount = 0;
    bool m_overflow = false;
};

// Concatenates pages into one buffer, as a frame holds them.
std::vector<uint8_t> joinPages(const std::vector<std::vector<uint8_t>>& pages);

}  // namespace kestrel::test
