#include "import/tracedat_reader.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "base/byte_order.h"
#include "import/tracedat_codec.h"
#include "import/tracedat_metadata.h"
#include "ring/page_decoder.h"

namespace kestrel {
namespace {

// trace-cmd.h: TRACECMD_MAGIC { 23, 8, 68 } then "tracing".
constexpr uint8_t kMagic[3] = {0x17, 0x08, 0x44};
constexpr size_t kMaxVersionString = 15;
constexpr size_t kMaxCompressionName = 64;
constexpr size_t kMaxOptionSections = 1024;

bool tagIs(const std::string& tag, const char* name) {
    return tag.compare(0, std::strlen(name), name) == 0;
}

}  // namespace

Result<std::unique_ptr<TraceDatReader>> TraceDatReader::open(const std::string& path) {
    std::unique_ptr<TraceDatReader> reader(new TraceDatReader(path));
    if (Status st = reader->m_file.open(); !st) return st;
    TraceDatCursor in(reader->m_file, 0, reader->m_file.size(), false);
    if (Status st = reader->readInitialHeader(in); !st) return st;
    Status st = reader->m_version == 6 ? reader->readV6(in) : reader->readV7(in);
    if (!st) return st;
    if (Status done = reader->finishMeta(); !done) return done;
    return reader;
}

Result<std::unique_ptr<TraceSource>> openTraceDat(const std::string& path) {
    auto reader = TraceDatReader::open(path);
    if (!reader) return reader.status();
    return std::unique_ptr<TraceSource>(std::move(reader.value()));
}

std::string TraceDatReader::formatName() const {
    std::string name = "trace.dat v" + std::to_string(m_version);
    if (m_codec != Codec::None) name += std::string(" (") + codecName(m_codec) + ")";
    return name;
}

Status TraceDatReader::readInitialHeader(TraceDatCursor& in) {
    std::string magic;
    if (Status st = in.text(magic, 10, "trace.dat magic"); !st) return st;
    if (std::memcmp(magic.data(), kMagic, 3) != 0 || magic.compare(3, 7, "tracing") != 0) {
        return Status::error(in.errorAt(0, "bad magic: expected \\x17\\x08\\x44 \"tracing\""));
    }
    uint64_t versionAt = in.position();
    std::string version;
    if (Status st = in.cstring(version, kMaxVersionString, "file version"); !st) return st;
    if (version != "6" && version != "7") {
        return Status::error(in.errorAt(
            versionAt, "unsupported trace.dat version \"" + version + "\" (expected 6 or 7)"));
    }
    m_version = version == "6" ? 6 : 7;
    std::string bytes;
    if (Status st = in.text(bytes, 2, "endianness and long size"); !st) return st;
    if (bytes[0] != 0 && bytes[0] != 1) {
        return Status::error(in.errorAt(
            in.position() - 2,
            "endianness byte " + std::to_string(uint8_t(bytes[0])) + " (expected 0 or 1)"));
    }
    m_meta.bigEndian = bytes[0] == 1;
    m_fileLongSize = static_cast<uint8_t>(bytes[1]);
    in.setBigEndian(m_meta.bigEndian);  // every number from here on is in the file's order
    uint32_t pageSize = 0;
    if (Status st = in.u32(pageSize, "page size"); !st) return st;
    if (pageSize < 64 || pageSize > kMaxPageSize) {
        return Status::error(in.errorAt(in.position() - 4, "page size " + std::to_string(pageSize) +
                                                               " (expected 64 bytes to 8 MiB)"));
    }
    m_meta.pageSize = pageSize;
    return {};
}

// ---- v6: everything in sequence, then options and the flyrecord CPU table ----

Status TraceDatReader::readV6(TraceDatCursor& in) {
    if (Status st = readTraceDatHeaderInfo(in, m_meta); !st) return st;
    if (Status st = readTraceDatFtraceFormats(in, m_meta); !st) return st;
    if (Status st = readTraceDatEventFormats(in, m_meta); !st) return st;
    if (Status st = readTraceDatText32(in, m_meta.kallsyms, "kallsyms"); !st) return st;
    if (Status st = readTraceDatText32(in, m_meta.printkFormats, "printk formats"); !st) return st;
    if (Status st = readTraceDatText64(in, m_meta.savedCmdlines, "saved_cmdlines"); !st) return st;
    uint64_t cpusAt = in.position();
    if (Status st = in.u32(m_headerCpus, "CPU count"); !st) return st;
    if (m_headerCpus > kTraceDatMaxCpus) {
        return Status::error(in.errorAt(cpusAt, std::to_string(m_headerCpus) + " CPUs (at most " +
                                                    std::to_string(kTraceDatMaxCpus) + ")"));
    }
    BufferData top;
    top.pageSize = m_meta.pageSize;
    // trace-input.c read_cpu_data: a CPUCOUNT option overrides the header's count.
    if (Status st = readV6Flyrecord(in, top, m_headerCpus); !st) return st;
    uint32_t cpus = static_cast<uint32_t>(top.cpus.size());
    // init_data_v6: with a TRACECLOCK option, the trace_clock file follows the table.
    // Older trace-cmd wrote it corrupted; like trace-cmd, ignore a bad one.
    std::string clockFile;
    bool hasClock = std::count(m_options.present.begin(), m_options.present.end(), "TRACECLOCK");
    if (hasClock && readTraceDatText64(in, clockFile, "trace_clock")) {
        top.clock = selectedTraceClock(clockFile);
    }
    if (top.clock.empty()) top.clock = m_options.clock.empty() ? "local" : m_options.clock;
    m_buffers.push_back(top);
    for (const TraceDatBufferOption& option : std::vector(m_options.buffers)) {
        BufferData instance;
        instance.name = option.name;
        instance.clock = top.clock;  // tracecmd_buffer_instance_handle copies the parent's
        instance.pageSize = m_meta.pageSize;
        TraceDatCursor at(m_file, option.offset, m_file.size(), m_meta.bigEndian);
        if (Status st = readV6Flyrecord(at, instance, cpus); !st) {
            warn("buffer \"" + option.name + "\" skipped: " + st.message());
            continue;
        }
        m_buffers.push_back(std::move(instance));
    }
    return {};
}

// "options  \0" [options] "flyrecord\0" then (u64 offset, u64 size) per CPU.
Status TraceDatReader::readV6Flyrecord(TraceDatCursor& in, BufferData& buffer, uint32_t cpus) {
    std::string tag;
    uint64_t tagAt = in.position();
    if (Status st = in.text(tag, 10, "section tag"); !st) return st;
    if (tagIs(tag, "options")) {
        if (Status st = readV6Options(in); !st) return st;
        tagAt = in.position();
        if (Status st = in.text(tag, 10, "section tag"); !st) return st;
        if (buffer.name.empty() && m_options.cpuCount) cpus = *m_options.cpuCount;
    }
    if (tagIs(tag, "latency")) {
        return Status::error(
            in.errorAt(tagAt, "latency (ASCII) trace.dat files are not supported"));
    }
    if (!tagIs(tag, "flyrecord")) {
        return Status::error(
            in.errorAt(tagAt, "expected \"options\", \"latency\" or \"flyrecord\""));
    }
    if (uint64_t(cpus) * 16 > in.remaining()) {
        return Status::error(in.error("flyrecord table of " + std::to_string(cpus) +
                                      " CPUs runs past the end of the file"));
    }
    for (uint32_t cpu = 0; cpu < cpus; ++cpu) {
        TraceDatCpuData data;
        data.cpu = cpu;
        in.u64(data.offset, "CPU data offset");
        in.u64(data.size, "CPU data size");
        buffer.cpus.push_back(data);
    }
    return {};
}

// v6 options: (u16 id, u32 size, data) until id 0, which has no size.
Status TraceDatReader::readV6Options(TraceDatCursor& in) {
    for (;;) {
        uint16_t id = 0;
        if (Status st = in.u16(id, "option id"); !st) return st;
        if (id == kOptDone) return {};
        if (Status st = applyOptionBody(in, id, false); !st) return st;
    }
}

Status TraceDatReader::applyOptionBody(TraceDatCursor& in, uint16_t id, bool sections) {
    uint32_t size = 0;
    if (Status st = in.u32(size, "option size"); !st) return st;
    uint64_t at = in.position();
    const uint8_t* data = nullptr;
    if (Status st = in.view(data, size, traceDatOptionName(id)); !st) return st;
    Status st = applyTraceDatOption(id, data, size, m_meta.bigEndian, sections, m_options);
    if (!st) return Status::error(in.errorAt(at, st.message()));
    return {};
}

// ---- v7: sections reached through the options sections ----

Status TraceDatReader::readV7(TraceDatCursor& in) {
    std::string name, version;
    uint64_t nameAt = in.position();
    if (Status st = in.cstring(name, kMaxCompressionName, "compression name"); !st) return st;
    if (Status st = in.cstring(m_compressionVersion, kMaxCompressionName, "compression version");
        !st) {
        return st;
    }
    if (name == "zstd") {
        m_codec = Codec::Zstd;
    } else if (name == "zlib") {
        m_codec = Codec::Zlib;
    } else if (name != "none") {
        return Status::error(in.errorAt(
            nameAt, "unknown compression \"" + name + "\" (expected zstd, zlib or none)"));
    }
    uint64_t optionsAt = 0;
    if (Status st = in.u64(optionsAt, "offset of the first options section"); !st) return st;
    if (Status st = readV7Options(optionsAt); !st) return st;
    if (Status st = readV7Metadata(); !st) return st;
    if (Status st = readV7Buffers(); !st) return st;
    recoverV7Tail();
    return {};
}

// trace-cmd appends an options section after each buffer's data (its CPU table), and
// chains it from the one before: in a file cut short, the chain points past the end.
bool TraceDatReader::pastTheEnd(uint64_t sectionOffset) const {
    const uint64_t size = m_file.size();
    if (sectionOffset > size || size - sectionOffset < kSectionHeaderBytes) return true;
    return sectionSize(sectionOffset) > size - sectionOffset - kSectionHeaderBytes;
}

uint64_t TraceDatReader::sectionSize(uint64_t sectionOffset) const {
    uint8_t field[8];
    if (!m_file.read(sectionOffset + 8, field, sizeof field, "section size")) return UINT64_MAX;
    return load64(field, m_meta.bigEndian);
}

Status TraceDatReader::readV7Options(uint64_t offset) {
    std::set<uint64_t> visited;
    while (offset != 0) {
        if (!visited.insert(offset).second || visited.size() > kMaxOptionSections) {
            return Status::error(m_file.error(offset, "options sections loop back here"));
        }
        // The first section lists the metadata: without it nothing can be read.
        if (visited.size() > 1 && pastTheEnd(offset)) {
            warn(m_file.error(offset, "options section past the end of the file (" +
                                          std::to_string(m_file.size()) +
                                          " bytes): the file is cut short; what it held (the "
                                          "CPU table of a buffer) is missing"));
            return {};
        }
        auto bytes = readSection(offset, kOptDone, "options");
        if (!bytes) return bytes.status();
        m_optionsEnd = offset + kSectionHeaderBytes + sectionSize(offset);
        TraceDatCursor in(m_file, std::move(bytes.value()), offset, "options section",
                          m_meta.bigEndian);
        m_options.nextSection.reset();
        while (!in.atEnd() && !m_options.nextSection) {
            uint16_t id = 0;
            if (Status st = in.u16(id, "option id"); !st) return st;
            if (Status st = applyOptionBody(in, id, true); !st) return st;
        }
        offset = m_options.nextSection.value_or(0);
    }
    return {};
}

Status TraceDatReader::readV7Metadata() {
    struct Part {
        uint16_t id;
        const char* name;
    };
    static const Part parts[] = {
        {kOptHeaderInfo, "header info"},     {kOptFtraceEvents, "ftrace formats"},
        {kOptEventFormats, "event formats"}, {kOptKallsyms, "kallsyms"},
        {kOptPrintk, "printk formats"},      {kOptCmdlines, "saved_cmdlines"}};
    for (const Part& part : parts) {
        auto found = m_options.sections.find(part.id);
        if (found == m_options.sections.end()) {
            if (part.id != kOptHeaderInfo) continue;  // the rest may be absent
            return Status::error(m_file.error(0, "no HEADER_INFO option: header_page is required"));
        }
        auto bytes = readSection(found->second, part.id, part.name);
        if (!bytes) return bytes.status();
        TraceDatCursor in(m_file, std::move(bytes.value()), found->second,
                          std::string(part.name) + " section", m_meta.bigEndian);
        Status st;
        switch (part.id) {
            case kOptHeaderInfo:
                st = readTraceDatHeaderInfo(in, m_meta);
                break;
            case kOptFtraceEvents:
                st = readTraceDatFtraceFormats(in, m_meta);
                break;
            case kOptEventFormats:
                st = readTraceDatEventFormats(in, m_meta);
                break;
            case kOptKallsyms:
                st = readTraceDatText32(in, m_meta.kallsyms, part.name);
                break;
            case kOptPrintk:
                st = readTraceDatText32(in, m_meta.printkFormats, part.name);
                break;
            default:
                st = readTraceDatText64(in, m_meta.savedCmdlines, part.name);
                break;
        }
        if (!st) return st;
    }
    return {};
}

Status TraceDatReader::readSectionHeader(uint64_t offset, uint16_t id, const char* what,
                                         uint16_t& flags, uint64_t& size) {
    TraceDatCursor in(m_file, offset, m_file.size(), m_meta.bigEndian, kSectionHeaderBytes);
    uint16_t found = 0;
    uint32_t description = 0;
    if (Status st = in.u16(found, "section id"); !st) return st;
    if (found != id) {
        return Status::error(m_file.error(
            offset, std::string("expected the ") + what + " section (id " + std::to_string(id) +
                        "), found section id " + std::to_string(found)));
    }
    if (Status st = in.u16(flags, "section flags"); !st) return st;
    if (Status st = in.u32(description, "section description"); !st) return st;
    if (Status st = in.u64(size, "section size"); !st) return st;
    if (size > in.remaining()) {
        return Status::error(m_file.error(
            offset, std::string(what) + " section size " + std::to_string(size) +
                        " runs past the end of the file (" + std::to_string(m_file.size()) + ")"));
    }
    if ((flags & kSectionCompressed) && m_codec == Codec::None) {
        return Status::error(m_file.error(offset, std::string(what) +
                                                      " section is flagged compressed, but the "
                                                      "file's compression is \"none\""));
    }
    return {};
}

// A metadata section's bytes, decompressed: (u32 csize, u32 usize, data) when flagged.
Result<std::string> TraceDatReader::readSection(uint64_t offset, uint16_t id, const char* what) {
    uint16_t flags = 0;
    uint64_t size = 0;
    if (Status st = readSectionHeader(offset, id, what, flags, size); !st) return st;
    uint64_t data = offset + kSectionHeaderBytes;
    std::string label = std::string(what) + " section";
    if (!(flags & kSectionCompressed)) {
        if (size > kMaxSectionBytes) {
            return Status::error(m_file.error(
                offset, label + " of " + std::to_string(size) + " bytes is too large"));
        }
        std::string bytes(size, '\0');
        if (Status st = m_file.read(data, bytes.data(), size, label); !st) return st;
        return bytes;
    }
    TraceDatCursor in(m_file, data, data + size, m_meta.bigEndian, 8);
    uint32_t csize = 0, usize = 0;
    if (Status st = in.u32(csize, "compressed size"); !st) return st;
    if (Status st = in.u32(usize, "uncompressed size"); !st) return st;
    if (csize > in.remaining() || usize > kMaxSectionBytes) {
        return Status::error(
            m_file.error(data, label + ": compressed size " + std::to_string(csize) + " / size " +
                                   std::to_string(usize) + " exceed the section (" +
                                   std::to_string(size) + " bytes) or 256 MiB"));
    }
    std::vector<uint8_t> packed(csize);
    if (Status st = m_file.read(data + 8, packed.data(), csize, label); !st) return st;
    if (Status st = tracedatCheckSize(m_codec, packed.data(), csize, usize); !st) {
        return Status::error(m_file.error(data, label + ": " + st.message()));
    }
    std::string bytes(usize, '\0');
    Status st = tracedatDecompress(m_codec, packed.data(), csize,
                                   reinterpret_cast<uint8_t*>(bytes.data()), usize);
    if (!st) return Status::error(m_file.error(data, label + ": " + st.message()));
    return bytes;
}

Status TraceDatReader::readV7Buffers() {
    bool haveTop = false;
    for (const TraceDatBufferOption& option : m_options.buffers) {
        if (option.latency) {
            warn("buffer \"" + option.name + "\" is a latency (ASCII) trace: skipped");
            continue;
        }
        uint16_t flags = 0;
        uint64_t size = 0;
        if (Status st = readSectionHeader(option.offset, kOptBuffer, "flyrecord", flags, size);
            !st) {
            return st;
        }
        BufferData buffer;
        buffer.name = option.name;
        buffer.clock = option.clock.empty() ? m_options.clock : option.clock;
        buffer.pageSize = option.pageSize ? option.pageSize : m_meta.pageSize;
        buffer.compressed = (flags & kSectionCompressed) != 0;
        buffer.cpus = option.cpus;
        if (option.name.empty() && !haveTop) {
            haveTop = true;
            m_buffers.insert(m_buffers.begin(), std::move(buffer));
        } else {
            m_buffers.push_back(std::move(buffer));
        }
    }
    if (!haveTop) {  // the top buffer is always buffer 0, even when nothing was recorded
        BufferData top;
        top.clock = m_options.clock.empty() ? "local" : m_options.clock;
        top.pageSize = m_meta.pageSize;
        top.placeholder = true;
        m_buffers.insert(m_buffers.begin(), std::move(top));
    }
    return {};
}

}  // namespace kestrel
