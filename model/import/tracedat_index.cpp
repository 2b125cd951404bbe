// TraceDatReader, second half: buffers and CPUs into TraceMeta, the frame index, and
// frame reads. The first half (header, options, metadata) is tracedat_reader.cpp.
#include <algorithm>
#include <cstdint>

#include "base/byte_order.h"
#include "import/tracedat_codec.h"
#include "import/tracedat_reader.h"
#include "ring/page_decoder.h"

namespace kestrel {
namespace {

constexpr size_t kChunkWindow = 1u << 20;  // read-ahead while walking chunk headers

std::string quoted(const std::string& name) {
    return "\"" + name + "\"";
}

}  // namespace

Status TraceDatReader::finishMeta() {
    // The header's long-size byte describes the recording program, not the kernel; the
    // kernel's long is the size of header_page's commit field (trace-input.c
    // read_header_files).
    auto format = PageFormat::fromHeaderPage(m_meta.headerPage, m_meta.bigEndian);
    if (!format) return Status::error(m_file.error(0, format.message()));
    m_meta.longSize = format->commitSize;
    m_dataOffset = format->dataOffset;
    m_meta.uname = m_options.uname;
    m_meta.tsOffset = m_options.tsOffset;
    m_meta.traceClock = m_buffers.front().clock;

    // Each buffer has as many CPUs as the file says the machine had, and at least one
    // more than its highest CPU with data.
    uint32_t machineCpus = m_options.cpuCount.value_or(m_headerCpus);
    for (const BufferData& buffer : m_buffers) {
        if (buffer.pageSize <= m_dataOffset || buffer.pageSize > kMaxPageSize) {
            return Status::error(m_file.error(0, "buffer " + quoted(buffer.name) + ": page size " +
                                                     std::to_string(buffer.pageSize) +
                                                     " does not fit the page header and 8 MiB"));
        }
        uint32_t bufferIndex = static_cast<uint32_t>(m_meta.buffers.size());
        m_meta.buffers.push_back(BufferInfo{buffer.name, buffer.clock, buffer.pageSize});
        uint32_t cpus = machineCpus;
        for (const TraceDatCpuData& data : buffer.cpus) cpus = std::max(cpus, data.cpu + 1);
        uint32_t base = static_cast<uint32_t>(m_meta.cpus.size());
        for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
            CpuInfo info;
            info.buffer = bufferIndex;
            info.cpu = cpu;
            for (const TraceDatCpuStat& stat : m_options.cpuStats) {
                if (stat.buffer == buffer.name && stat.cpu == cpu) {
                    info.overrun = stat.overrun;
                    info.dropped = stat.dropped;
                }
            }
            m_meta.cpus.push_back(info);
        }
        for (const TraceDatCpuData& data : buffer.cpus) indexCpu(buffer, data, base + data.cpu);
        for (uint32_t cpu : buffer.cutShort) {
            if (cpu < cpus) cutShort(base + cpu);
        }
    }
    m_meta.recorded = describeRecording();
    return {};
}

void TraceDatReader::cutShort(uint32_t globalCpu) {
    if (std::find(m_cutShort.begin(), m_cutShort.end(), globalCpu) == m_cutShort.end())
        m_cutShort.push_back(globalCpu);
}

void TraceDatReader::indexCpu(const BufferData& buffer, const TraceDatCpuData& data,
                              uint32_t globalCpu) {
    if (data.size == 0) return;
    std::string where = "buffer " + quoted(buffer.name) + " CPU " + std::to_string(data.cpu);
    if (data.offset >= m_file.size()) {
        warn(m_file.error(data.offset, where + ": data starts past the end of the file (" +
                                           std::to_string(m_file.size()) + "): all " +
                                           std::to_string(data.size) + " bytes are missing"));
        cutShort(globalCpu);
        return;
    }
    // trace-cmd 3.1 records a compressed CPU's size without its u32 chunk count (checked
    // on the fixtures: the chunks end 4 bytes past offset + size); trace-input.c only
    // walks the chunks, so the walk is bounded by the file, not by this size.
    TraceDatCpuData clipped = data;
    if (buffer.compressed && data.size < UINT64_MAX - 4) clipped.size += 4;
    if (clipped.size > m_file.size() - data.offset) {
        clipped.size = m_file.size() - data.offset;
        warn(m_file.error(data.offset,
                          where + ": " + std::to_string(data.size) +
                              " bytes of data, but the file ends after " +
                              std::to_string(clipped.size) + " (truncated): the last " +
                              std::to_string(data.size - clipped.size) + " bytes are missing"));
        cutShort(globalCpu);
    }
    if (buffer.compressed) {
        indexChunks(buffer, clipped, globalCpu);
    } else {
        indexPages(buffer, clipped, globalCpu);
    }
}

// Raw pages: frames of up to kPagesPerFrame pages, tFirst from the first page header.
void TraceDatReader::indexPages(const BufferData& buffer, const TraceDatCpuData& data,
                                uint32_t globalCpu) {
    uint64_t pageSize = buffer.pageSize;
    uint64_t pages = data.size / pageSize;
    if (data.size % pageSize != 0) {
        warn(m_file.error(data.offset + pages * pageSize,
                          "buffer " + quoted(buffer.name) + " CPU " + std::to_string(data.cpu) +
                              ": ignoring a partial page of " +
                              std::to_string(data.size % pageSize) + " bytes"));
    }
    uint64_t perFrame = std::clamp<uint64_t>(kMaxFrameBytes / pageSize, 1, kPagesPerFrame);
    for (uint64_t page = 0; page < pages; page += perFrame) {
        FrameRef frame;
        frame.offset = data.offset + page * pageSize;
        frame.usize = frame.csize =
            static_cast<uint32_t>(std::min(perFrame, pages - page) * pageSize);
        frame.cpu = globalCpu;
        frame.codec = Codec::None;
        uint8_t stamp[8];
        if (Status st = m_file.read(frame.offset, stamp, sizeof stamp, "page header"); !st) {
            warn(st.message() + ": the last " + std::to_string((pages - page) * pageSize) +
                 " bytes of this CPU's pages are skipped");
            return;
        }
        frame.tFirst = load64(stamp, m_meta.bigEndian);
        m_frames.push_back(frame);
    }
}

// trace-compress.c tracecmd_load_chunks_info: u32 count, then (u32 csize, u32 usize, data).
// A chunk whose data does not decompress is skipped (its header still leads to the next);
// a chunk header that cannot be right ends the CPU's index there.
void TraceDatReader::indexChunks(const BufferData& buffer, const TraceDatCpuData& data,
                                 uint32_t globalCpu) {
    const std::string where = "buffer " + quoted(buffer.name) + " CPU " + std::to_string(data.cpu);
    const uint64_t end = data.offset + data.size;
    TraceDatCursor in(m_file, data.offset, end, m_meta.bigEndian, kChunkWindow);
    uint32_t count = 0;
    if (Status st = in.u32(count, "chunk count"); !st) {
        return warn(st.message() + ": all " + std::to_string(data.size) + " bytes of " + where +
                    " skipped");
    }
    auto restLost = [&](uint64_t at, uint32_t i) {
        return "; chunks " + std::to_string(i) + " to " + std::to_string(count) + " of " + where +
               " (the last " + std::to_string(end - at) + " bytes) are skipped";
    };
    std::vector<uint8_t> header(m_dataOffset);
    for (uint32_t i = 0; i < count; ++i) {
        uint64_t at = in.position();
        uint32_t csize = 0, usize = 0;
        if (Status st = in.u32(csize, "chunk compressed size"); !st)
            return warn(st.message() + restLost(at, i));
        if (Status st = in.u32(usize, "chunk size"); !st)
            return warn(st.message() + restLost(at, i));
        if (csize == 0 || csize > in.remaining() || usize < buffer.pageSize ||
            usize > kMaxFrameBytes || usize % buffer.pageSize != 0) {
            return warn(m_file.error(
                at, where + ": chunk " + std::to_string(i) + " of " + std::to_string(count) +
                        " has compressed size " + std::to_string(csize) + " and size " +
                        std::to_string(usize) + "; expected at most " +
                        std::to_string(in.remaining()) + " and a multiple of " +
                        std::to_string(buffer.pageSize) + " up to 64 MiB" + restLost(at, i)));
        }
        const uint8_t* bytes = nullptr;
        if (Status st = in.view(bytes, csize, "chunk data"); !st)
            return warn(st.message() + restLost(at, i));
        auto skipped = [&](const std::string& why) {
            warn(m_file.error(at + 8, where + ": chunk " + std::to_string(i) + " of " +
                                          std::to_string(count) + " skipped (" +
                                          std::to_string(usize / buffer.pageSize) +
                                          " pages): " + why));
        };
        // The size field is trusted only as far as the compressed bytes can back it: a
        // reader allocates usize for every frame it decodes.
        Status st = tracedatCheckSize(m_codec, bytes, csize, usize);
        if (st) st = tracedatPeek(m_codec, bytes, csize, usize, header.data(), header.size());
        if (!st) {
            skipped(st.message());
            continue;
        }
        FrameRef frame;
        frame.offset = at + 8;
        frame.csize = csize;
        frame.usize = usize;
        frame.cpu = globalCpu;
        frame.codec = m_codec;
        frame.tFirst = load64(header.data(), m_meta.bigEndian);
        m_frames.push_back(frame);
    }
}

Status TraceDatReader::readFrame(size_t index, std::vector<uint8_t>& out) const {
    if (index >= m_frames.size()) {
        return Status::error(path() + ": frame " + std::to_string(index) + " does not exist (" +
                             std::to_string(m_frames.size()) + " frames)");
    }
    const FrameRef& frame = m_frames[index];
    std::string what =
        "frame " + std::to_string(index) + " (CPU " + std::to_string(frame.cpu) + ")";
    out.resize(frame.usize);
    if (frame.codec == Codec::None) return m_file.read(frame.offset, out.data(), frame.usize, what);
    // Per-thread scratch: readFrame runs on many threads at once.
    thread_local std::vector<uint8_t> packed;
    packed.resize(frame.csize);
    if (Status st = m_file.read(frame.offset, packed.data(), frame.csize, what); !st) return st;
    Status st =
        tracedatDecompress(frame.codec, packed.data(), frame.csize, out.data(), frame.usize);
    if (!st) return Status::error(m_file.error(frame.offset, what + ": " + st.message()));
    return {};
}

std::string TraceDatReader::describeRecording() const {
    std::string text = formatName();
    if (m_codec != Codec::None) text += " " + m_compressionVersion;
    if (!m_options.version.empty()) text += ", written by trace-cmd " + m_options.version;
    text += "; buffers:";
    for (size_t b = 0; b < m_buffers.size(); ++b) {
        const BufferData& buffer = m_buffers[b];
        size_t withData = std::count_if(buffer.cpus.begin(), buffer.cpus.end(),
                                        [](const TraceDatCpuData& d) { return d.size > 0; });
        text += std::string(b ? ", " : " ") + quoted(buffer.name) + " (clock " + buffer.clock +
                ", " + std::to_string(buffer.pageSize) + "-byte pages, " +
                std::to_string(withData) + " CPUs with data)";
    }
    text += "; options:";
    for (const std::string& name : m_options.present) text += " " + name;
    if (m_meta.tsOffset != 0) text += "; timestamps offset by " + std::to_string(m_meta.tsOffset);
    if (m_options.tsc2nsec) {
        text += "; TSC2NSEC mult " + std::to_string(m_options.tsc2nsec->mult) + " shift " +
                std::to_string(m_options.tsc2nsec->shift) + " (timestamps are TSC cycles)";
    }
    if (std::count(m_options.present.begin(), m_options.present.end(), "TIME_SHIFT")) {
        text += "; TIME_SHIFT (guest clock sync) not applied";
    }
    if (!m_warnings.empty()) {
        text +=
            "; " + std::to_string(m_warnings.size()) + " problem(s), first: " + m_warnings.front();
    }
    return text;
}

}  // namespace kestrel
