// TraceDatReader, third part: a v7 file cut short. trace-cmd writes each buffer as a
// flyrecord section (a header, then each CPU's data from a page boundary), and only then
// the options section that holds the buffer's CPU table (trace-output.c
// tcmd_out_write_cpu_data). A cut anywhere after the metadata loses that table: the
// reader walks the sections that follow the last options section it read, and where a
// flyrecord section is not claimed by any BUFFER option, finds its CPUs by walking their
// chunk tables (u32 count, then per chunk u32 csize, u32 usize, data). Compressed data
// only: raw pages carry nothing that says where one CPU's data ends.
#include <algorithm>
#include <set>

#include "base/byte_order.h"
#include "import/tracedat_reader.h"

namespace kestrel {
namespace {

constexpr size_t kMaxTailSections = 1024;

uint64_t alignUp(uint64_t at, uint64_t page) {
    return (at + page - 1) / page * page;
}

std::string joined(const std::vector<uint32_t>& cpus) {
    std::string out;
    for (uint32_t c : cpus) out += (out.empty() ? "" : ", ") + std::to_string(c);
    return out.empty() ? "none" : out;
}

}  // namespace

void TraceDatReader::recoverV7Tail() {
    std::set<uint64_t> claimed;
    for (const TraceDatBufferOption& option : m_options.buffers) claimed.insert(option.offset);
    const uint64_t size = m_file.size();
    uint64_t at = m_optionsEnd;
    for (size_t n = 0; n < kMaxTailSections && at < size && size - at >= kSectionHeaderBytes; ++n) {
        uint8_t header[kSectionHeaderBytes];
        if (!m_file.read(at, header, sizeof header, "section header")) return;
        const uint16_t id = load16(header, m_meta.bigEndian);
        const uint16_t flags = load16(header + 2, m_meta.bigEndian);
        const uint64_t length = load64(header + 8, m_meta.bigEndian);
        // What trace-cmd writes after the metadata: options, flyrecords, the strings.
        if (id != kOptDone && id != kOptBuffer && id != kOptStrings && id != kOptBufferText) return;
        if (id == kOptBuffer && !claimed.count(at)) recoverBuffer(at, flags, length);
        if (length > size - at - kSectionHeaderBytes) return;  // the file ends inside it
        at += kSectionHeaderBytes + length;
    }
}

void TraceDatReader::recoverBuffer(uint64_t offset, uint16_t flags, uint64_t length) {
    BufferData buffer;
    buffer.name = unclaimedBufferName();
    buffer.clock = m_options.clock.empty() ? "local" : m_options.clock;
    buffer.pageSize = m_meta.pageSize;
    buffer.compressed = (flags & kSectionCompressed) != 0;
    const uint64_t sectionEnd = offset + kSectionHeaderBytes + length;
    const uint64_t end = std::min(sectionEnd, m_file.size());
    const std::vector<uint32_t> recorded = cpusWithData(buffer.name);
    std::vector<uint32_t> found;
    for (uint64_t at = alignUp(offset + kSectionHeaderBytes, buffer.pageSize);
         buffer.compressed && at < end && end - at >= 4;) {
        TraceDatCursor in(m_file, at, end, m_meta.bigEndian, 1u << 20);
        uint32_t count = 0;
        if (!in.u32(count, "chunk count") || count == 0 || count > (end - at) / 9) break;
        bool whole = true;
        for (uint32_t i = 0; i < count && whole; ++i) {
            uint32_t csize = 0, usize = 0;
            whole = in.u32(csize, "chunk size") && in.u32(usize, "chunk size") &&
                    in.skip(csize, "chunk data");
        }
        TraceDatCpuData data;
        data.cpu = found.size() < recorded.size()
                       ? recorded[found.size()]
                       : (found.empty() ? 0 : found.back() + 1);  // in CPU order
        data.offset = at;
        data.size = (whole ? in.position() : end) - at - 4;  // sizes leave out the count
        buffer.cpus.push_back(data);
        found.push_back(data.cpu);
        if (!whole) buffer.cutShort.push_back(data.cpu);
        at = alignUp(in.position(), buffer.pageSize);
        if (!whole) break;
    }
    std::vector<uint32_t> missing;
    for (uint32_t c : recorded) {
        if (std::find(found.begin(), found.end(), c) == found.end()) missing.push_back(c);
    }
    buffer.cutShort.insert(buffer.cutShort.end(), missing.begin(), missing.end());
    std::string what = "buffer \"" + buffer.name + "\": no BUFFER option gives its CPU table";
    if (sectionEnd > m_file.size()) {
        what += " (the file ends " + std::to_string(sectionEnd - m_file.size()) +
                " bytes before the end of its data, and the table comes after it)";
    }
    if (buffer.compressed) {
        what += "; CPUs found by walking its data: " + joined(found) +
                "; CPUs with recorded events but no data here: " + joined(missing);
    } else {
        what += "; its " + std::to_string(end - offset) +
                " bytes of uncompressed pages cannot be told apart by CPU and are skipped";
    }
    warn(m_file.error(offset, what));
    if (buffer.name.empty() && !m_buffers.empty() && m_buffers.front().placeholder) {
        m_buffers.front() = std::move(buffer);  // the top buffer readV7Buffers made up
    } else {
        m_buffers.push_back(std::move(buffer));
    }
}

// The buffers trace-cmd wrote are the ones its CPU stats name ("Buffer: NAME" before an
// instance's), in the same order: the first that no BUFFER option claimed is this one.
std::string TraceDatReader::unclaimedBufferName() const {
    std::vector<std::string> named;
    for (const TraceDatCpuStat& stat : m_options.cpuStats) {
        if (std::find(named.begin(), named.end(), stat.buffer) == named.end())
            named.push_back(stat.buffer);
    }
    for (const std::string& name : named) {
        bool claimed = std::any_of(m_buffers.begin(), m_buffers.end(), [&](const BufferData& b) {
            return !b.placeholder && b.name == name;
        });
        if (!claimed) return name;
    }
    return "recovered";
}

// CPUs of `buffer` the recorder read events from (CPUSTAT "read events"), in order.
std::vector<uint32_t> TraceDatReader::cpusWithData(const std::string& buffer) const {
    std::vector<uint32_t> cpus;
    for (const TraceDatCpuStat& stat : m_options.cpuStats) {
        if (stat.buffer == buffer && stat.readEvents > 0) cpus.push_back(stat.cpu);
    }
    return cpus;
}

}  // namespace kestrel
