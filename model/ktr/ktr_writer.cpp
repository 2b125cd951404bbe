#include "ktr/ktr_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/zstd_context.h"
#include "ktr/ktr_layout.h"
#include "ring/page_walk.h"

namespace kestrel {
namespace {

// Serializes metadata as TLV records (docs/ktr-format.md, "Metadata records").
class TlvWriter {
public:
    void bytes(uint32_t tag, const void* data, size_t size) {
        size_t at = m_out.size();
        m_out.resize(at + 8 + size);
        store32(m_out.data() + at, tag);
        store32(m_out.data() + at + 4, static_cast<uint32_t>(size));
        if (size != 0) std::memcpy(m_out.data() + at + 8, data, size);
        m_tooBig = m_tooBig || size > ktr::kMaxMetaSize;
    }
    void str(uint32_t tag, const std::string& s) { bytes(tag, s.data(), s.size()); }
    void u8(uint32_t tag, uint8_t v) { bytes(tag, &v, 1); }
    void u32(uint32_t tag, uint32_t v) {
        uint8_t b[4];
        store32(b, v);
        bytes(tag, b, 4);
    }
    void u64(uint32_t tag, uint64_t v) {
        uint8_t b[8];
        store64(b, v);
        bytes(tag, b, 8);
    }
    void nested(uint32_t tag, const TlvWriter& inner) {
        bytes(tag, inner.m_out.data(), inner.m_out.size());
    }
    const std::vector<uint8_t>& out() const { return m_out; }
    bool tooBig() const { return m_tooBig || m_out.size() > ktr::kMaxMetaSize; }

private:
    std::vector<uint8_t> m_out;
    bool m_tooBig = false;
};

void serializeLists(const TraceMeta& meta, TlvWriter& w) {
    for (const EventFormat& f : meta.formats) {
        TlvWriter r;
        r.str(ktr::tag::kFormatSystem, f.system);
        r.str(ktr::tag::kFormatText, f.text);
        w.nested(ktr::tag::kFormat, r);
    }
    for (const BufferInfo& b : meta.buffers) {
        TlvWriter r;
        r.str(ktr::tag::kBufferName, b.name);
        r.str(ktr::tag::kBufferClock, b.clock);
        r.u32(ktr::tag::kBufferSubbuf, b.subbufSize);
        w.nested(ktr::tag::kBuffer, r);
    }
    for (const CpuInfo& c : meta.cpus) {
        TlvWriter r;
        r.u32(ktr::tag::kCpuBuffer, c.buffer);
        r.u32(ktr::tag::kCpuNumber, c.cpu);
        r.u64(ktr::tag::kCpuOverrun, c.overrun);
        r.u64(ktr::tag::kCpuDropped, c.dropped);
        w.nested(ktr::tag::kCpu, r);
    }
}

TlvWriter serializeMeta(const TraceMeta& meta) {
    namespace t = ktr::tag;
    TlvWriter w;
    w.u8(t::kBigEndian, meta.bigEndian ? 1 : 0);
    w.u32(t::kLongSize, meta.longSize);
    w.u32(t::kPageSize, meta.pageSize);
    w.str(t::kHeaderPage, meta.headerPage);
    w.str(t::kHeaderEvent, meta.headerEvent);
    w.str(t::kKallsyms, meta.kallsyms);
    w.str(t::kPrintkFormats, meta.printkFormats);
    w.str(t::kSavedCmdlines, meta.savedCmdlines);
    w.str(t::kSavedTgids, meta.savedTgids);
    w.str(t::kUname, meta.uname);
    w.str(t::kTraceClock, meta.traceClock);
    w.str(t::kRecorded, meta.recorded);
    w.u64(t::kTsOffset, static_cast<uint64_t>(meta.tsOffset));
    serializeLists(meta, w);
    return w;
}

// compressFrame stays pure and callable on any thread: the context is the thread's own.
Result<std::vector<uint8_t>> zstdCompress(const uint8_t* data, size_t size, int level) {
    ZSTD_CCtx* cctx = threadCompressionContext();
    if (!cctx) return Status::error("zstd: cannot create a compression context");
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    std::vector<uint8_t> out(ZSTD_compressBound(size));
    size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data, size);
    if (ZSTD_isError(n)) return Status::error(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

struct FrameFigures {
    uint64_t tFirst = kUnknownTime;
    uint64_t tLast = kUnknownTime;
    uint32_t events = 0;
    uint64_t lost = 0;
    bool lostUnknown = false;
};

// Walks every page for the block header figures. A page that does not decode is an
// error: the caller hands us pages straight from the kernel, so it means a bug upstream.
Status measurePages(const uint8_t* pages, size_t size, const PageFormat& format,
                    FrameFigures& fig) {
    auto onPage = [&](const PageHeader& h, size_t) {
        if (h.missedEvents) {
            // Bit 31 of commit alone means events were lost but not how many.
            bool known = h.missedStored && h.missedCount != 0;
            fig.lost += known ? h.missedCount : 1;
            fig.lostUnknown = fig.lostUnknown || !known;
        }
        return true;
    };
    auto onEvent = [&](const RawEvent& ev) {
        fig.tFirst = fig.events == 0 ? ev.ts : std::min(fig.tFirst, ev.ts);
        fig.tLast = fig.events == 0 ? ev.ts : std::max(fig.tLast, ev.ts);
        ++fig.events;
    };
    Status first;
    walkPages(pages, size, format, onPage, onEvent, [&](size_t at, const std::string& what) {
        if (first.ok()) first = Status::error("page at +" + std::to_string(at) + ": " + what);
    });
    return first;
}

}  // namespace

KtrWriter::~KtrWriter() {
    if (m_fd >= 0 && !m_output) ::close(m_fd);
}

Result<std::unique_ptr<KtrWriter>> KtrWriter::create(const std::string& path, const TraceMeta& meta,
                                                     int metaLevel, Mode mode) {
    std::unique_ptr<KtrWriter> w(new KtrWriter());
    w->m_metaLevel = metaLevel;
    w->m_path = path;
    w->m_meta = meta;
    if (meta.longSize != 4 && meta.longSize != 8) {
        return Status::error(path + ": long size " + std::to_string(meta.longSize) +
                             " (expected 4 or 8)");
    }
    auto formats = bufferPageFormats(meta);
    if (!formats) return Status::error(path + ": " + formats.message());
    w->m_formats = std::move(*formats);
    for (size_t i = 0; i < meta.cpus.size(); ++i) {
        if (meta.cpus[i].buffer >= meta.buffers.size()) {
            return Status::error(path + ": cpu " + std::to_string(i) + " names buffer " +
                                 std::to_string(meta.cpus[i].buffer) + " of " +
                                 std::to_string(meta.buffers.size()));
        }
    }
    if (mode == Mode::kReplace) {
        auto output = OutputFile::create(path);
        if (!output) return output.status();
        w->m_output = std::move(*output);
        w->m_fd = w->m_output->fd();
    } else {
        w->m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    if (w->m_fd < 0) return Status::error(path + ": cannot create: " + std::strerror(errno));
    ktr::FileHeader header;
    header.bigEndian = meta.bigEndian;
    header.longSize = static_cast<uint8_t>(meta.longSize);
    header.pageSize = meta.pageSize;
    uint8_t bytes[ktr::kFileHeaderSize];
    header.encode(bytes);
    if (Status st = w->writeAll(bytes, sizeof bytes); !st) return st;
    w->m_offset = sizeof bytes;
    if (Status st = w->writeMeta(); !st) return st;
    return w;
}

Result<CompressedFrame> KtrWriter::compressFrame(uint32_t cpu, const uint8_t* pages, size_t size,
                                                 const PageFormat& format, int level) {
    if (format.pageSize == 0 || size == 0 || size % format.pageSize != 0 ||
        size > ktr::kMaxFrameSize) {
        return Status::error("cpu " + std::to_string(cpu) + ": frame of " + std::to_string(size) +
                             " bytes is not a whole number of " + std::to_string(format.pageSize) +
                             "-byte pages up to " + std::to_string(ktr::kMaxFrameSize));
    }
    FrameFigures fig;
    if (Status st = measurePages(pages, size, format, fig); !st) {
        return Status::error("cpu " + std::to_string(cpu) + ": " + st.message());
    }
    auto packed = zstdCompress(pages, size, level);
    if (!packed) return packed.status();
    CompressedFrame frame;
    frame.bytes = std::move(*packed);
    frame.ref.cpu = cpu;
    frame.ref.codec = Codec::Zstd;
    frame.ref.usize = static_cast<uint32_t>(size);
    frame.ref.csize = static_cast<uint32_t>(frame.bytes.size());
    frame.ref.tFirst = fig.tFirst;
    frame.ref.tLast = fig.tLast;
    frame.ref.events = fig.events;
    frame.ref.lost = fig.lost;
    frame.lostUnknown = fig.lostUnknown;
    return frame;
}

Status KtrWriter::appendCompressed(const CompressedFrame& frame) {
    const FrameRef& r = frame.ref;
    std::string what;
    if (r.cpu >= m_meta.cpus.size()) {
        what = "cpu " + std::to_string(r.cpu) + " is not in the metadata";
    } else if (r.csize != frame.bytes.size() || frame.bytes.empty()) {
        what = "compressed size " + std::to_string(r.csize) + " but " +
               std::to_string(frame.bytes.size()) + " bytes given";
    } else if (r.usize == 0 || r.usize > ktr::kMaxFrameSize) {
        what = "uncompressed size " + std::to_string(r.usize) + " out of range";
    } else if (r.codec != Codec::Zstd && !(r.codec == Codec::None && r.csize == r.usize)) {
        what = "unsupported codec";
    }
    if (!what.empty()) return Status::error(errorAt(m_path, m_offset, "frame: " + what));
    ktr::BlockHeader h;
    h.kind = ktr::BlockKind::Pages;
    h.codec = static_cast<uint8_t>(r.codec);
    h.flags = frame.lostUnknown ? ktr::kFlagLostUnknown : 0;
    h.cpu = r.cpu;
    h.csize = r.csize;
    h.usize = r.usize;
    h.tFirst = r.tFirst;
    h.tLast = r.tLast;
    h.events = r.events;
    h.lost = r.lost;
    uint64_t blockOffset = m_offset;
    if (Status st = writeBlock(h, frame.bytes.data(), frame.bytes.size()); !st) return st;
    FrameRef stored = r;
    stored.offset = blockOffset + ktr::kBlockHeaderSize;
    m_frames.push_back(stored);
    m_frameFlags.push_back(h.flags);
    return {};
}

Status KtrWriter::appendPages(uint32_t cpu, const uint8_t* pages, size_t size) {
    const PageFormat* format = formatFor(cpu);
    if (!format) {
        return Status::error(
            errorAt(m_path, m_offset, "cpu " + std::to_string(cpu) + " is not in the metadata"));
    }
    auto frame = compressFrame(cpu, pages, size, *format);
    if (!frame) return Status::error(m_path + ": " + frame.message());
    return appendCompressed(*frame);
}

Status KtrWriter::finish() {
    if (m_fd < 0) return Status::error(m_path + ": finish() on a closed writer");
    uint64_t metaOffset = m_offset;
    if (Status st = writeMeta(true); !st) return st;
    std::vector<uint8_t> index(m_frames.size() * ktr::kIndexEntrySize);
    for (size_t i = 0; i < m_frames.size(); ++i) {
        const FrameRef& r = m_frames[i];
        ktr::IndexEntry e;
        e.blockOffset = r.offset - ktr::kBlockHeaderSize;
        e.csize = r.csize;
        e.usize = r.usize;
        e.cpu = r.cpu;
        e.codec = static_cast<uint8_t>(r.codec);
        e.flags = m_frameFlags[i];
        e.tFirst = r.tFirst;
        e.tLast = r.tLast;
        e.events = r.events;
        e.lost = r.lost;
        e.encode(index.data() + i * ktr::kIndexEntrySize);
    }
    ktr::BlockHeader h;
    h.kind = ktr::BlockKind::Index;
    h.csize = h.usize = static_cast<uint32_t>(index.size());
    h.events = static_cast<uint32_t>(m_frames.size());
    uint64_t indexOffset = m_offset;
    if (index.size() > UINT32_MAX) return fail(Status::error(m_path + ": frame index too large"));
    if (Status st = writeBlock(h, index.data(), index.size()); !st) return st;
    ktr::Footer footer{metaOffset, indexOffset, m_frames.size()};
    uint8_t bytes[ktr::kFooterSize];
    footer.encode(bytes);
    if (Status st = writeAll(bytes, sizeof bytes); !st) return fail(st);
    m_offset += sizeof bytes;
    // One flush at the end: blocks before it are already in the kernel's page cache,
    // which a killed process cannot lose.
    if (::fdatasync(m_fd) != 0 && errno != EINVAL && errno != EROFS) {
        return fail(Status::error(m_path + ": fdatasync: " + std::strerror(errno)));
    }
    int fd = m_fd;
    m_fd = -1;
    if (m_output) return m_output->commit();  // closes it and renames it over m_path
    if (::close(fd) != 0) return Status::error(m_path + ": close: " + std::strerror(errno));
    return {};
}

const PageFormat& KtrWriter::pageFormat(uint32_t cpu) const {
    static const PageFormat kDefault;
    const PageFormat* f = formatFor(cpu);
    return f ? *f : kDefault;
}

const PageFormat* KtrWriter::formatFor(uint32_t cpu) const {
    if (cpu >= m_meta.cpus.size() || m_meta.cpus[cpu].buffer >= m_formats.size()) return nullptr;
    return &m_formats[m_meta.cpus[cpu].buffer];
}

Status KtrWriter::writeAll(const void* data, size_t size) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    uint64_t at = m_offset;
    while (size > 0) {
        ssize_t n = ::write(m_fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {  // ENOSPC, EFBIG, EIO...
            std::string why = n < 0 ? std::strerror(errno) : "write returned 0";
            return Status::error(errorAt(m_path, at, "write failed: " + why));
        }
        p += n;
        at += static_cast<uint64_t>(n);
        size -= static_cast<size_t>(n);
    }
    return {};
}

Status KtrWriter::writeBlock(const ktr::BlockHeader& block, const uint8_t* payload, size_t size) {
    if (m_fd < 0) return Status::error(m_path + ": write after finish()");
    if (m_failed) return Status::error(m_path + ": write after an earlier write error");
    ktr::BlockHeader header = block;
    header.payloadCrc = ktr::crc(payload, size);
    uint8_t bytes[ktr::kBlockHeaderSize];
    header.encode(bytes);
    uint64_t start = m_offset;
    Status st = writeAll(bytes, sizeof bytes);
    if (st) {
        m_offset = start + sizeof bytes;  // writeAll names offsets from m_offset
        st = writeAll(payload, size);
    }
    m_offset = start;
    if (!st) return fail(st);
    m_offset = start + sizeof bytes + size;
    return {};
}

// True when the late block may leave the static parts to the first one.
static bool sameStaticParts(const TraceMeta& a, const TraceMeta& b) {
    if (a.headerPage != b.headerPage || a.headerEvent != b.headerEvent ||
        a.kallsyms != b.kallsyms || a.printkFormats != b.printkFormats ||
        a.formats.size() != b.formats.size()) {
        return false;
    }
    for (size_t i = 0; i < a.formats.size(); ++i) {
        if (a.formats[i].system != b.formats[i].system || a.formats[i].text != b.formats[i].text) {
            return false;
        }
    }
    return true;
}

Status KtrWriter::writeMeta(bool late) {
    TraceMeta meta = m_meta;
    if (!late) {
        m_firstMeta = m_meta;
    } else if (sameStaticParts(meta, m_firstMeta)) {
        // An empty header_page tells the reader to inherit (docs/ktr-format.md).
        meta.headerPage.clear();
        meta.headerEvent.clear();
        meta.kallsyms.clear();
        meta.printkFormats.clear();
        meta.formats.clear();
    }
    TlvWriter tlv = serializeMeta(meta);
    if (tlv.tooBig()) {
        return Status::error(errorAt(
            m_path, m_offset, "metadata exceeds " + std::to_string(ktr::kMaxMetaSize) + " bytes"));
    }
    auto packed = zstdCompress(tlv.out().data(), tlv.out().size(), m_metaLevel);
    if (!packed) return Status::error(errorAt(m_path, m_offset, packed.message()));
    ktr::BlockHeader h;
    h.kind = ktr::BlockKind::Metadata;
    h.codec = static_cast<uint8_t>(Codec::Zstd);
    h.csize = static_cast<uint32_t>(packed->size());
    h.usize = static_cast<uint32_t>(tlv.out().size());
    return writeBlock(h, packed->data(), packed->size());
}

// After a failed write the file is cut back to its last whole block, so a reader
// recovers everything before it; the writer refuses further writes.
Status KtrWriter::fail(Status status) {
    m_failed = true;
    if (m_fd >= 0 && ::ftruncate(m_fd, static_cast<off_t>(m_offset)) == 0) {
        ::lseek(m_fd, static_cast<off_t>(m_offset), SEEK_SET);
    }
    return status;
}

}  // namespace kestrel
