#include "support/page_writer.h"

#include <cstring>

namespace kestrel::test {
namespace {

// ring_buffer.c: type_len values above RINGBUF_TYPE_DATA_TYPE_LEN_MAX (28).
constexpr uint32_t kTypePadding = 29;
constexpr uint32_t kTypeTimeExtend = 30;
constexpr uint32_t kTypeTimeStamp = 31;
constexpr uint32_t kMaxSmallData = 28 * 4;  // RB_MAX_SMALL_DATA
constexpr uint32_t kDeltaBits = 27;
constexpr uint32_t kDeltaMask = (1u << kDeltaBits) - 1;

void storeUnsigned(uint8_t* p, uint64_t v, unsigned size, bool big) {
    for (unsigned i = 0; i < size; ++i) {
        unsigned shift = 8 * (big ? size - 1 - i : i);
        p[i] = static_cast<uint8_t>(v >> shift);
    }
}

}  // namespace

PageWriter::PageWriter(PageLayout layout) : m_layout(layout) {}

PageWriter& PageWriter::timestamp(uint64_t ts) {
    m_timestamp = ts;
    return *this;
}

bool PageWriter::room(size_t bytes) {
    size_t capacity = m_layout.pageSize - m_layout.dataOffset();
    if (m_overflow || m_data.size() + bytes > capacity) m_overflow = true;
    return !m_overflow;
}

void PageWriter::word(uint32_t value) {
    size_t at = m_data.size();
    m_data.resize(at + 4);
    storeUnsigned(m_data.data() + at, value, 4, m_layout.bigEndian);
}

// The bitfield {type_len:5, time_delta:27} is flipped on big-endian kernels.
void PageWriter::header(uint32_t typeLen, uint32_t delta) {
    delta &= kDeltaMask;
    word(m_layout.bigEndian ? (typeLen << kDeltaBits) | delta : typeLen | (delta << 5));
}

PageWriter& PageWriter::event(uint32_t delta, const std::vector<uint8_t>& payload) {
    uint32_t size = (static_cast<uint32_t>(payload.size()) + 3) & ~3u;
    if (size == 0 || size > kMaxSmallData) return longEvent(delta, payload);
    if (!room(4 + size)) return *this;
    header(size / 4, delta);
    m_data.insert(m_data.end(), payload.begin(), payload.end());
    m_data.resize(m_data.size() + (size - payload.size()));
    return *this;
}

PageWriter& PageWriter::longEvent(uint32_t delta, const std::vector<uint8_t>& payload) {
    uint32_t size = (static_cast<uint32_t>(payload.size()) + 3) & ~3u;
    if (!room(8 + size)) return *this;
    header(0, delta);
    word(size + 4);  // ring_buffer.c rb_update_event: array[0] counts itself
    m_data.insert(m_data.end(), payload.begin(), payload.end());
    m_data.resize(m_data.size() + (size - payload.size()));
    return *this;
}

PageWriter& PageWriter::timeExtend(uint64_t delta) {
    if (!room(8)) return *this;
    header(kTypeTimeExtend, static_cast<uint32_t>(delta));
    word(static_cast<uint32_t>(delta >> kDeltaBits));
    return *this;
}

PageWriter& PageWriter::absoluteStamp(uint64_t ts) {
    if (!room(8)) return *this;
    header(kTypeTimeStamp, static_cast<uint32_t>(ts));
    word(static_cast<uint32_t>((ts >> kDeltaBits) & 0xffffffffu));
    return *this;
}

PageWriter& PageWriter::padding(uint32_t delta, uint32_t bytes) {
    bytes = (bytes + 3) & ~3u;
    if (bytes < 8 || delta == 0 || !room(bytes)) {
        m_overflow = m_overflow || bytes < 8 || delta == 0;
        return *this;
    }
    header(kTypePadding, delta);
    word(bytes - 4);  // ring_buffer.c: a padding's array[0] is its length after the header
    m_data.resize(m_data.size() + bytes - 8);
    return *this;
}

PageWriter& PageWriter::endPadding(uint32_t bytes) {
    bytes = (bytes + 3) & ~3u;
    if (bytes < 4 || !room(bytes)) {
        m_overflow = true;
        return *this;
    }
    header(kTypePadding, 0);
    m_data.resize(m_data.size() + bytes - 4);
    return *this;
}

PageWriter& PageWriter::missed() {
    m_missed = true;
    m_missedStored = false;
    return *this;
}

PageWriter& PageWriter::missed(uint64_t count) {
    m_missed = true;
    m_missedStored = true;
    m_missedCount = count;
    return *this;
}

std::vector<uint8_t> PageWriter::bytes() const {
    const bool big = m_layout.bigEndian;
    const uint32_t dataOffset = m_layout.dataOffset();
    std::vector<uint8_t> page(m_layout.pageSize, 0);
    storeUnsigned(page.data(), m_timestamp, 8, big);
    uint64_t commit = m_data.size();
    if (m_missed) commit |= 1u << 31;
    if (m_missedStored) commit |= 1u << 30;
    // The kernel's commit is a local_t (a long): sign-extended once bit 31 is set.
    if (m_layout.longSize == 8 && (commit & (1u << 31))) commit |= 0xffffffff00000000ull;
    storeUnsigned(page.data() + 8, commit, m_layout.longSize, big);
    if (!m_data.empty()) std::memcpy(page.data() + dataOffset, m_data.data(), m_data.size());
    size_t countAt = dataOffset + m_data.size();
    if (m_missedStored && countAt + m_layout.longSize <= page.size()) {
        storeUnsigned(page.data() + countAt, m_missedCount, m_layout.longSize, big);
    }
    return page;
}

std::vector<uint8_t> PageWriter::payload(uint16_t type, int32_t pid, uint32_t size,
                                         bool bigEndian) {
    std::vector<uint8_t> p(size < 8 ? 8 : size);
    for (size_t i = 8; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i);
    storeUnsigned(p.data(), type, 2, bigEndian);
    storeUnsigned(p.data() + 4, static_cast<uint32_t>(pid), 4, bigEndian);
    return p;
}

std::string PageWriter::headerPage(PageLayout layout) {
    const std::string l = std::to_string(layout.longSize);
    const std::string data = std::to_string(layout.dataOffset());
    const std::string dataSize = std::to_string(layout.pageSize - layout.dataOffset());
    // The text of events/header_page (kernel ring_buffer_print_page_header).
    return "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
           "\tfield: local_t commit;\toffset:8;\tsize:" +
           l +
           ";\tsigned:1;\n"
           "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
           "\tfield: char data;\toffset:" +
           data + ";\tsize:" + dataSize + ";\tsigned:0;\n";
}

std::vector<uint8_t> joinPages(const std::vector<std::vector<uint8_t>>& pages) {
    std::vector<uint8_t> out;
    for (const auto& p : pages) out.insert(out.end(), p.begin(), p.end());
    return out;
}

}  // namespace kestrel::test
