#include "ring/page_decoder.h"

#include <regex>

#include "base/byte_order.h"

namespace kestrel {
namespace {

// ring_buffer.c: RINGBUF_TYPE_DATA_TYPE_LEN_MAX .. RINGBUF_TYPE_TIME_STAMP
constexpr uint32_t kTypePadding = 29;
constexpr uint32_t kTypeTimeExtend = 30;
constexpr uint32_t kTypeTimeStamp = 31;
constexpr uint32_t kTsShift = 27;
constexpr uint64_t kTsMsb = 0xf8ULL << 56;  // bits an absolute stamp cannot hold
constexpr uint32_t kCommitMask = (1u << 27) - 1;
constexpr uint32_t kMissedEvents = 1u << 31;
constexpr uint32_t kMissedStored = 1u << 30;

bool findField(const std::string& text, const std::string& name, unsigned& offset, unsigned& size) {
    std::regex re("field:[^;]*[ *]" + name + R"(;\s*offset:(\d+);\s*size:(\d+);)");
    std::smatch m;
    if (!std::regex_search(text, m, re)) return false;
    offset = static_cast<unsigned>(std::stoul(m[1]));
    size = static_cast<unsigned>(std::stoul(m[2]));
    return true;
}

}  // namespace

Result<PageFormat> PageFormat::fromHeaderPage(const std::string& headerPage, bool bigEndian) {
    unsigned tsOff = 0, tsSize = 0, commitOff = 0, commitSize = 0, dataOff = 0, dataSize = 0;
    if (!findField(headerPage, "timestamp", tsOff, tsSize) ||
        !findField(headerPage, "commit", commitOff, commitSize) ||
        !findField(headerPage, "data", dataOff, dataSize)) {
        return Status::error("header_page: expected timestamp, commit and data fields");
    }
    if (tsOff != 0 || tsSize != 8 || commitOff != 8 || (commitSize != 4 && commitSize != 8) ||
        dataOff != 8 + commitSize || dataSize == 0 || dataSize > kMaxPageSize) {
        return Status::error("header_page: unsupported layout (timestamp " + std::to_string(tsOff) +
                             "/" + std::to_string(tsSize) + ", commit " +
                             std::to_string(commitOff) + "/" + std::to_string(commitSize) +
                             ", data " + std::to_string(dataOff) + "/" + std::to_string(dataSize) +
                             ")");
    }
    PageFormat f;
    f.dataOffset = dataOff;
    f.commitSize = commitSize;
    f.pageSize = dataOff + dataSize;
    f.bigEndian = bigEndian;
    return f;
}

Result<std::vector<PageFormat>> bufferPageFormats(const TraceMeta& meta) {
    auto base = PageFormat::fromHeaderPage(meta.headerPage, meta.bigEndian);
    if (!base) return base.status();
    std::vector<PageFormat> formats;
    for (const BufferInfo& b : meta.buffers) {
        PageFormat f = *base;
        uint32_t size = b.subbufSize ? b.subbufSize : meta.pageSize ? meta.pageSize : f.pageSize;
        // A page holds its header and at least one event header.
        if (size <= f.dataOffset + 4 || size > kMaxPageSize) {
            return Status::error("buffer \"" + b.name + "\": sub-buffer size " +
                                 std::to_string(size) + " is impossible");
        }
        f.pageSize = size;
        formats.push_back(f);
    }
    return formats;
}

Status PageReader::load(const uint8_t* page, uint32_t available, const PageFormat& format) {
    m_page = page;
    m_big = format.bigEndian;
    m_error.clear();
    m_header = PageHeader{};
    if (available < format.dataOffset) {
        return Status::error("page shorter than its header (" + std::to_string(available) +
                             " bytes)");
    }
    m_header.timestamp = load64(page, m_big);
    // commit is a long, sign-extended when the flag bits are set (0xffffffffc0000fd0 seen
    // on x86_64): its low 32 bits hold the length and the flags (ring_buffer.c).
    uint64_t commit = loadUnsigned(page + 8, format.commitSize, m_big);
    uint32_t low = static_cast<uint32_t>(commit);
    m_header.length = low & kCommitMask;
    m_header.missedEvents = (low & kMissedEvents) != 0;
    m_header.missedStored = m_header.missedEvents && (low & kMissedStored) != 0;
    uint64_t end = uint64_t{format.dataOffset} + m_header.length;
    uint64_t limit = std::min<uint64_t>(available, format.pageSize);
    if (end > limit) {
        return Status::error("page commit length " + std::to_string(m_header.length) +
                             " runs past the page end (" + std::to_string(limit) + ")");
    }
    if (m_header.missedStored && end + format.commitSize <= limit) {
        m_header.missedCount = loadUnsigned(page + end, format.commitSize, m_big);
    }
    m_pos = format.dataOffset;
    m_end = static_cast<uint32_t>(end);
    m_ts = m_header.timestamp;
    return {};
}

bool PageReader::fail(uint32_t offset, const char* what) {
    m_error = "page offset " + std::to_string(offset) + ": " + what;
    m_pos = m_end;
    return false;
}

bool PageReader::next(RawEvent& event) {
    while (m_pos + 4 <= m_end) {
        uint32_t at = m_pos;
        uint32_t word = load32(m_page + at, m_big);
        uint32_t typeLen = m_big ? word >> 27 : word & 0x1f;
        uint32_t delta = m_big ? word & ((1u << 27) - 1) : word >> 5;
        uint32_t body = at + 4;
        if (typeLen == kTypePadding) {
            if (delta == 0) {  // ring_buffer.c rb_null_event: the rest is padding
                m_pos = m_end;
                return false;
            }
            if (body + 4 > m_end) return fail(at, "padding event truncated");
            m_ts += delta;  // kbuffer-parse.c adds a padding's delta; follow it
            uint32_t len = load32(m_page + body, m_big);
            if (len > m_end - body) return fail(at, "padding length past page end");
            m_pos = body + std::max<uint32_t>(len, 4);
            continue;
        }
        if (typeLen == kTypeTimeExtend || typeLen == kTypeTimeStamp) {
            if (body + 4 > m_end) return fail(at, "time stamp event truncated");
            uint64_t extended = (uint64_t{load32(m_page + body, m_big)} << kTsShift) + delta;
            // ring_buffer.c rb_fix_abs_ts: restore the top bits an absolute stamp lacks.
            m_ts = typeLen == kTypeTimeExtend ? m_ts + extended : extended | (m_ts & kTsMsb);
            m_pos = body + 4;
            continue;
        }
        uint32_t length;
        if (typeLen == 0) {
            if (body + 4 > m_end) return fail(at, "event length word truncated");
            uint32_t stored = load32(m_page + body, m_big);
            if (stored < 4) return fail(at, "event length below 4");
            length = ((stored - 4) + 3) & ~3u;
            body += 4;
        } else {
            length = typeLen * 4;
        }
        if (length > m_end - body) return fail(at, "event data runs past commit end");
        m_ts += delta;
        event.ts = m_ts;
        event.data = m_page + body;
        event.size = length;
        m_pos = body + length;
        return true;
    }
    m_pos = m_end;
    return false;
}

}  // namespace kestrel
