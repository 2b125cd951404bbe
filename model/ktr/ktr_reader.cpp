#include "ktr/ktr_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/zstd_context.h"
#include "ktr/ktr_layout.h"

namespace kestrel {
namespace {

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

// Walks u32 tag, u32 length, bytes records; every length is checked against what is left.
class TlvReader {
public:
    TlvReader(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
    bool next(uint32_t& tag, const uint8_t*& value, uint32_t& length) {
        if (m_pos == m_size) return false;
        m_record = m_pos;
        if (m_size - m_pos < 8) return fail("record header cut (" + left() + ")");
        tag = load32(m_data + m_pos, false);
        length = load32(m_data + m_pos + 4, false);
        if (length > m_size - m_pos - 8) {
            return fail("tag " + std::to_string(tag) + ": length " + std::to_string(length) +
                        " runs past the end (" + std::to_string(m_size - m_pos - 8) + " left)");
        }
        value = m_data + m_pos + 8;
        m_pos += 8 + size_t{length};
        return true;
    }
    bool fail(const std::string& what) {
        if (m_error.empty()) m_error = "record at byte " + std::to_string(m_record) + ": " + what;
        m_pos = m_size;
        return false;
    }
    const std::string& error() const { return m_error; }

private:
    std::string left() const { return std::to_string(m_size - m_pos) + " bytes left"; }
    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
    size_t m_record = 0;
    std::string m_error;
};

// Fixed-width values must have exactly their width: anything else is corruption.
bool fixedValue(TlvReader& r, uint32_t tag, const uint8_t* v, uint32_t len, uint32_t want,
                uint64_t& out) {
    if (len != want) {
        return r.fail("tag " + std::to_string(tag) + ": length " + std::to_string(len) +
                      ", expected " + std::to_string(want));
    }
    out = want == 1 ? v[0] : want == 4 ? load32(v, false) : load64(v, false);
    return true;
}

std::string text(const uint8_t* v, uint32_t len) {
    return std::string(reinterpret_cast<const char*>(v), len);
}

// Parses one nested record (format, buffer, cpu) with `apply(tag, value, length)`.
template <class Apply>
Status parseNested(const uint8_t* data, uint32_t size, const char* what, Apply apply) {
    TlvReader r(data, size);
    uint32_t tag, len;
    const uint8_t* v;
    while (r.next(tag, v, len)) {
        if (!apply(r, tag, v, len)) break;
    }
    if (!r.error().empty()) return Status::error(std::string(what) + ": " + r.error());
    return {};
}

Status parseFormat(const uint8_t* data, uint32_t size, TraceMeta& meta) {
    EventFormat f;
    Status st = parseNested(data, size, "format",
                            [&](TlvReader&, uint32_t tag, const uint8_t* v, uint32_t len) {
                                if (tag == ktr::tag::kFormatSystem) f.system = text(v, len);
                                if (tag == ktr::tag::kFormatText) f.text = text(v, len);
                                return true;
                            });
    if (st) meta.formats.push_back(std::move(f));
    return st;
}

Status parseBuffer(const uint8_t* data, uint32_t size, TraceMeta& meta) {
    BufferInfo b;
    Status st = parseNested(data, size, "buffer",
                            [&](TlvReader& r, uint32_t tag, const uint8_t* v, uint32_t len) {
                                uint64_t n = 0;
                                if (tag == ktr::tag::kBufferName) b.name = text(v, len);
                                if (tag == ktr::tag::kBufferClock) b.clock = text(v, len);
                                if (tag != ktr::tag::kBufferSubbuf) return true;
                                if (!fixedValue(r, tag, v, len, 4, n)) return false;
                                b.subbufSize = static_cast<uint32_t>(n);
                                return true;
                            });
    if (st) meta.buffers.push_back(std::move(b));
    return st;
}

Status parseCpu(const uint8_t* data, uint32_t size, TraceMeta& meta) {
    CpuInfo c;
    Status st = parseNested(data, size, "cpu",
                            [&](TlvReader& r, uint32_t tag, const uint8_t* v, uint32_t len) {
                                uint64_t n = 0;
                                switch (tag) {
                                    case ktr::tag::kCpuBuffer:
                                        if (!fixedValue(r, tag, v, len, 4, n)) return false;
                                        c.buffer = static_cast<uint32_t>(n);
                                        return true;
                                    case ktr::tag::kCpuNumber:
                                        if (!fixedValue(r, tag, v, len, 4, n)) return false;
                                        c.cpu = static_cast<uint32_t>(n);
                                        return true;
                                    case ktr::tag::kCpuOverrun:
                                        return fixedValue(r, tag, v, len, 8, c.overrun);
                                    case ktr::tag::kCpuDropped:
                                        return fixedValue(r, tag, v, len, 8, c.dropped);
                                    default:
                                        return true;  // a newer writer's field
                                }
                            });
    if (st) meta.cpus.push_back(c);
    return st;
}

// One top-level record. Returns false (with r.fail) on a malformed one.
bool applyTopLevel(TlvReader& r, uint32_t tag, const uint8_t* v, uint32_t len, TraceMeta& m) {
    namespace t = ktr::tag;
    uint64_t n = 0;
    Status st;
    switch (tag) {
        case t::kBigEndian:
            if (!fixedValue(r, tag, v, len, 1, n)) return false;
            m.bigEndian = n != 0;
            return true;
        case t::kLongSize:
            if (!fixedValue(r, tag, v, len, 4, n)) return false;
            m.longSize = static_cast<uint32_t>(n);
            return true;
        case t::kPageSize:
            if (!fixedValue(r, tag, v, len, 4, n)) return false;
            m.pageSize = static_cast<uint32_t>(n);
            return true;
        case t::kTsOffset:
            if (!fixedValue(r, tag, v, len, 8, n)) return false;
            m.tsOffset = static_cast<int64_t>(n);
            return true;
        case t::kHeaderPage:
            m.headerPage = text(v, len);
            return true;
        case t::kHeaderEvent:
            m.headerEvent = text(v, len);
            return true;
        case t::kKallsyms:
            m.kallsyms = text(v, len);
            return true;
        case t::kPrintkFormats:
            m.printkFormats = text(v, len);
            return true;
        case t::kSavedCmdlines:
            m.savedCmdlines = text(v, len);
            return true;
        case t::kSavedTgids:
            m.savedTgids = text(v, len);
            return true;
        case t::kUname:
            m.uname = text(v, len);
            return true;
        case t::kTraceClock:
            m.traceClock = text(v, len);
            return true;
        case t::kRecorded:
            m.recorded = text(v, len);
            return true;
        case t::kFormat:
            st = parseFormat(v, len, m);
            break;
        case t::kBuffer:
            st = parseBuffer(v, len, m);
            break;
        case t::kCpu:
            st = parseCpu(v, len, m);
            break;
        default:
            return true;  // unknown tags are skipped: forward compatible
    }
    return st ? true : r.fail(st.message());
}

Result<TraceMeta> parseMeta(const uint8_t* data, size_t size) {
    TraceMeta meta;
    TlvReader r(data, size);
    uint32_t tag, len;
    const uint8_t* v;
    while (r.next(tag, v, len)) {
        if (!applyTopLevel(r, tag, v, len, meta)) break;
    }
    if (!r.error().empty()) return Status::error(r.error());
    if (meta.longSize != 4 && meta.longSize != 8) {
        return Status::error("long size " + std::to_string(meta.longSize) + ", expected 4 or 8");
    }
    for (size_t i = 0; i < meta.cpus.size(); ++i) {
        if (meta.cpus[i].buffer >= meta.buffers.size()) {
            return Status::error("cpu " + std::to_string(i) + " names buffer " +
                                 std::to_string(meta.cpus[i].buffer) + " of " +
                                 std::to_string(meta.buffers.size()));
        }
    }
    return meta;
}

// A late metadata block with an empty header_page left its static parts (header
// page/event, formats, kallsyms, printk formats) to the earlier block.
void inheritStaticParts(TraceMeta& late, const TraceMeta& earlier) {
    if (!late.headerPage.empty()) return;
    late.headerPage = earlier.headerPage;
    late.headerEvent = earlier.headerEvent;
    late.formats = earlier.formats;
    late.kallsyms = earlier.kallsyms;
    late.printkFormats = earlier.printkFormats;
}

}  // namespace

KtrReader::~KtrReader() {
    if (m_fd >= 0) ::close(m_fd);
}

Result<std::unique_ptr<KtrReader>> KtrReader::open(const std::string& path) {
    std::unique_ptr<KtrReader> r(new KtrReader());
    r->m_path = path;
    r->m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (r->m_fd < 0) return Status::error(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(r->m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return Status::error(path + ": not a regular file");
    }
    r->m_size = static_cast<uint64_t>(st.st_size);
    if (Status s = r->readFileHeader(); !s) return s;
    if (Status s = r->openFromFooter(); !s) {
        r->m_recoveryReason = s.message();
        r->m_recovered = true;
        if (Status scan = r->openByScan(); !scan) return scan;
    }
    return r;
}

Result<std::unique_ptr<TraceSource>> openKtr(const std::string& path) {
    auto r = KtrReader::open(path);
    if (!r) return r.status();
    return std::unique_ptr<TraceSource>(std::move(*r));
}

std::string KtrReader::formatName() const {
    return "ktr " + std::to_string(m_version);
}

bool KtrReader::lostCountUnknown(size_t index) const {
    return index < m_frameFlags.size() && (m_frameFlags[index] & ktr::kFlagLostUnknown) != 0;
}

Status KtrReader::readAt(uint64_t offset, void* buffer, size_t size) const {
    auto* p = static_cast<uint8_t*>(buffer);
    while (size > 0) {
        ssize_t n = ::pread(m_fd, p, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string why = n < 0 ? std::strerror(errno) : "unexpected end of file";
            return Status::error(errorAt(m_path, offset, "read failed: " + why));
        }
        p += n;
        offset += static_cast<uint64_t>(n);
        size -= static_cast<size_t>(n);
    }
    return {};
}

Status KtrReader::readFileHeader() {
    uint8_t b[ktr::kFileHeaderSize] = {};
    size_t have = static_cast<size_t>(std::min<uint64_t>(m_size, sizeof b));
    if (Status st = readAt(0, b, have); !st) return st;
    if (have < 4 || std::memcmp(b, ktr::kFileMagic, 4) != 0) {
        return Status::error(errorAt(m_path, 0, "not a .ktr file (expected magic \"KTR1\")"));
    }
    if (have < 6) return Status::error(errorAt(m_path, 4, "truncated file: header cut"));
    m_version = load16(b + 4, false);
    if (m_version > ktr::kVersion) {
        return Status::error(m_path + ": made by a newer Kestrel: version " +
                             std::to_string(m_version) + ", this reader knows up to " +
                             std::to_string(ktr::kVersion));
    }
    if (m_version == 0) return Status::error(errorAt(m_path, 4, "invalid version 0"));
    if (have < ktr::kFileHeaderSize) {
        return Status::error(errorAt(m_path, have,
                                     "truncated file: the header needs " +
                                         std::to_string(ktr::kFileHeaderSize) +
                                         " bytes, the file has " + std::to_string(m_size)));
    }
    auto h = ktr::FileHeader::decode(b);
    if (h.crc != ktr::crc(b, 28)) {
        return Status::error(errorAt(m_path, 28,
                                     "file header CRC mismatch (stored " + hex32(h.crc) +
                                         ", computed " + hex32(ktr::crc(b, 28)) + ")"));
    }
    if (h.headerSize < ktr::kFileHeaderSize || h.headerSize > m_size) {
        return Status::error(
            errorAt(m_path, 6, "impossible header size " + std::to_string(h.headerSize)));
    }
    m_dataStart = h.headerSize;
    return {};
}

Result<ktr::BlockHeader> KtrReader::readBlockHeader(uint64_t offset) const {
    if (offset > m_size || m_size - offset < ktr::kBlockHeaderSize) {
        return Status::error(errorAt(m_path, offset,
                                     "truncated file: a block header needs " +
                                         std::to_string(ktr::kBlockHeaderSize) +
                                         " bytes, the file ends at " + std::to_string(m_size)));
    }
    uint8_t b[ktr::kBlockHeaderSize];
    if (Status st = readAt(offset, b, sizeof b); !st) return st;
    if (std::memcmp(b, ktr::kBlockMagic, 4) != 0) {
        return Status::error(errorAt(m_path, offset, "expected block magic \"KTRB\""));
    }
    if (!ktr::BlockHeader::valid(b)) {
        return Status::error(errorAt(m_path, offset, "block header CRC mismatch"));
    }
    auto h = ktr::BlockHeader::decode(b);
    if (h.csize > m_size - offset - ktr::kBlockHeaderSize) {
        return Status::error(errorAt(m_path, offset,
                                     "truncated file: block payload of " + std::to_string(h.csize) +
                                         " bytes runs past the end (" + std::to_string(m_size) +
                                         ")"));
    }
    return h;
}

Status KtrReader::readPayload(uint64_t offset, const ktr::BlockHeader& h, uint32_t maxSize,
                              std::vector<uint8_t>& out, bool decompress) const {
    uint64_t at = offset + ktr::kBlockHeaderSize;
    if (h.usize > maxSize) {
        return Status::error(errorAt(m_path, offset,
                                     "block of " + std::to_string(h.usize) +
                                         " bytes exceeds the maximum " + std::to_string(maxSize)));
    }
    bool stored = h.codec == static_cast<uint8_t>(Codec::None);
    if (!stored && h.codec != static_cast<uint8_t>(Codec::Zstd)) {
        return Status::error(errorAt(m_path, offset, "unknown codec " + std::to_string(h.codec)));
    }
    if (stored && h.csize != h.usize) {
        return Status::error(errorAt(m_path, offset, "stored block sizes differ"));
    }
    // csize is bounded by the file size (readBlockHeader), usize by maxSize. The packed
    // bytes go to a per-thread scratch buffer so a frame read allocates nothing new.
    thread_local std::vector<uint8_t> scratch;
    std::vector<uint8_t>& packed = stored ? out : scratch;
    packed.resize(h.csize);
    if (Status st = readAt(at, packed.data(), packed.size()); !st) return st;
    if (ktr::crc(packed.data(), packed.size()) != h.payloadCrc) {
        return Status::error(errorAt(m_path, at, "block payload CRC mismatch"));
    }
    if (stored) return {};
    // Allocate no more than the compressed bytes can hold (the frame headers say how
    // much): a size field that lies is caught here, not by a failed allocation.
    if (h.usize > zstdMaxOutput(packed.data(), packed.size())) {
        return Status::error(errorAt(
            m_path, at,
            "block claims " + std::to_string(h.usize) + " bytes, more than its zstd data holds"));
    }
    if (!decompress) return {};
    ZSTD_DCtx* dctx = threadDecompressionContext();
    if (!dctx) return Status::error(errorAt(m_path, at, "zstd: cannot create a context"));
    out.resize(h.usize);
    size_t n = ZSTD_decompressDCtx(dctx, out.data(), out.size(), packed.data(), packed.size());
    if (scratch.capacity() > (8u << 20)) std::vector<uint8_t>().swap(scratch);
    if (ZSTD_isError(n)) {
        return Status::error(errorAt(m_path, at, std::string("zstd: ") + ZSTD_getErrorName(n)));
    }
    if (n != h.usize) {
        return Status::error(errorAt(
            m_path, at,
            "decompressed " + std::to_string(n) + " bytes, expected " + std::to_string(h.usize)));
    }
    return {};
}

Result<TraceMeta> KtrReader::loadMeta(uint64_t offset, const ktr::BlockHeader& h) const {
    if (h.kind != ktr::BlockKind::Metadata) {
        return Status::error(errorAt(m_path, offset, "expected a metadata block"));
    }
    std::vector<uint8_t> bytes;
    if (Status st = readPayload(offset, h, ktr::kMaxMetaSize, bytes); !st) return st;
    auto meta = parseMeta(bytes.data(), bytes.size());
    if (!meta) return Status::error(errorAt(m_path, offset, "metadata: " + meta.message()));
    return meta;
}

Status KtrReader::checkFrame(uint64_t offset, const ktr::BlockHeader& h, uint64_t limit) const {
    std::string what;
    if (offset < m_dataStart || offset > limit || limit - offset < ktr::kBlockHeaderSize ||
        h.csize > limit - offset - ktr::kBlockHeaderSize) {
        what = "lies outside the data area (ends at " + std::to_string(limit) + ")";
    } else if (h.cpu >= m_meta.cpus.size()) {
        what = "names cpu " + std::to_string(h.cpu) + " of " + std::to_string(m_meta.cpus.size());
    } else if (h.usize == 0 || h.usize > ktr::kMaxFrameSize || h.csize == 0) {
        what = "has impossible sizes (" + std::to_string(h.csize) + " -> " +
               std::to_string(h.usize) + ")";
    } else if (h.codec != static_cast<uint8_t>(Codec::Zstd) &&
               !(h.codec == static_cast<uint8_t>(Codec::None) && h.csize == h.usize)) {
        what = "has unknown codec " + std::to_string(h.codec);
    }
    if (what.empty()) return {};
    return Status::error(errorAt(m_path, offset, "frame block " + what));
}

void KtrReader::addFrame(uint64_t offset, const ktr::BlockHeader& h) {
    FrameRef r;
    r.offset = offset + ktr::kBlockHeaderSize;
    r.csize = h.csize;
    r.usize = h.usize;
    r.cpu = h.cpu;
    r.codec = static_cast<Codec>(h.codec);
    r.tFirst = h.tFirst;
    r.tLast = h.tLast;
    r.events = h.events;
    r.lost = h.lost;
    m_frames.push_back(r);
    m_frameFlags.push_back(h.flags);
}

Status KtrReader::openFromFooter() {
    constexpr uint64_t kMinimum = ktr::kBlockHeaderSize * 2 + ktr::kFooterSize;
    if (m_size < m_dataStart + kMinimum) {
        return Status::error(errorAt(m_path, m_size, "no footer: file too short"));
    }
    uint64_t footerAt = m_size - ktr::kFooterSize;
    uint8_t b[ktr::kFooterSize];
    if (Status st = readAt(footerAt, b, sizeof b); !st) return st;
    if (!ktr::Footer::valid(b)) {
        return Status::error(errorAt(m_path, footerAt,
                                     std::memcmp(b, ktr::kFooterMagic, 4) == 0
                                         ? "footer CRC mismatch"
                                         : "no footer (recording not finished)"));
    }
    auto f = ktr::Footer::decode(b);
    if (f.indexOffset < m_dataStart || f.indexOffset > footerAt - ktr::kBlockHeaderSize ||
        f.metaOffset < m_dataStart || f.metaOffset > f.indexOffset - ktr::kBlockHeaderSize) {
        return Status::error(errorAt(m_path, footerAt, "footer offsets out of range"));
    }
    auto ih = readBlockHeader(f.indexOffset);
    if (!ih) return ih.status();
    if (ih->kind != ktr::BlockKind::Index || ih->codec != 0 ||
        f.indexOffset + ktr::kBlockHeaderSize + ih->csize != footerAt ||
        f.frameCount != ih->csize / ktr::kIndexEntrySize || ih->csize % ktr::kIndexEntrySize != 0) {
        return Status::error(
            errorAt(m_path, f.indexOffset, "index block does not match the footer"));
    }
    auto mh = readBlockHeader(f.metaOffset);
    if (!mh) return mh.status();
    if (f.metaOffset + ktr::kBlockHeaderSize + mh->csize > f.indexOffset) {
        return Status::error(errorAt(m_path, f.metaOffset, "metadata block overlaps the index"));
    }
    auto meta = loadMeta(f.metaOffset, *mh);
    if (!meta) return meta.status();
    if (meta->headerPage.empty() && f.metaOffset != m_dataStart) {
        auto fh = readBlockHeader(m_dataStart);
        if (!fh) return fh.status();
        auto first = loadMeta(m_dataStart, *fh);
        if (!first) return first.status();
        inheritStaticParts(*meta, *first);
    }
    m_meta = std::move(*meta);
    return loadIndex(f, *ih);
}

Status KtrReader::loadIndex(const ktr::Footer& f, const ktr::BlockHeader& ih) {
    std::vector<uint8_t> index;  // csize is bounded by the file size
    if (Status st = readPayload(f.indexOffset, ih, ih.csize, index); !st) return st;
    m_frames.reserve(f.frameCount);
    for (size_t i = 0; i < f.frameCount; ++i) {
        auto e = ktr::IndexEntry::decode(index.data() + i * ktr::kIndexEntrySize);
        ktr::BlockHeader h;
        h.codec = e.codec;
        h.flags = e.flags;
        h.cpu = e.cpu;
        h.csize = e.csize;
        h.usize = e.usize;
        h.tFirst = e.tFirst;
        h.tLast = e.tLast;
        h.events = e.events;
        h.lost = e.lost;
        if (Status st = checkFrame(e.blockOffset, h, f.indexOffset); !st) return st;
        addFrame(e.blockOffset, h);
    }
    return {};
}

// The recorder died (or the footer is damaged): walk the blocks from the start. Every
// block header carries its own CRC and size, so the walk stops at the first block that
// is cut or corrupt; metadata blocks met on the way replace the earlier ones.
Status KtrReader::openByScan() {
    m_frames.clear();
    m_frameFlags.clear();
    m_meta = TraceMeta{};
    bool haveMeta = false;
    std::string stop;
    uint64_t offset = m_dataStart;
    while (offset < m_size) {
        auto h = readBlockHeader(offset);
        if (!h) {
            stop = h.message();
            break;
        }
        if (h->kind == ktr::BlockKind::Metadata) {
            auto meta = loadMeta(offset, *h);
            if (!meta) {
                stop = meta.message();
                break;
            }
            bool fits = std::all_of(m_frames.begin(), m_frames.end(),
                                    [&](const FrameRef& r) { return r.cpu < meta->cpus.size(); });
            if (!fits) {
                stop = errorAt(m_path, offset, "metadata has fewer CPUs than earlier frames");
                break;
            }
            inheritStaticParts(*meta, m_meta);
            m_meta = std::move(*meta);
            haveMeta = true;
        } else if (h->kind == ktr::BlockKind::Pages) {
            Status st = haveMeta ? checkFrame(offset, *h, m_size)
                                 : Status::error(errorAt(m_path, offset, "frame before metadata"));
            if (!st) {
                stop = st.message();
                break;
            }
            addFrame(offset, *h);
        }  // index blocks and kinds of a newer writer are skipped
        offset += ktr::kBlockHeaderSize + h->csize;
    }
    if (!haveMeta) {
        return Status::error(stop.empty()
                                 ? errorAt(m_path, m_dataStart, "truncated file: no metadata block")
                                 : stop);
    }
    m_scanEnd = offset;
    if (!stop.empty()) m_recoveryReason += "; scan stopped: " + stop;
    // The last frame is the one a dying recorder was writing: check its payload too.
    std::vector<uint8_t> scratch;
    if (m_frames.empty()) return {};
    if (Status st = readFrame(m_frames.size() - 1, scratch); !st) {
        m_recoveryReason += "; last frame dropped: " + st.message();
        m_frames.pop_back();
        m_frameFlags.pop_back();
    }
    return {};
}

std::vector<std::string> KtrReader::warnings() const {
    if (!m_recovered) return {};
    std::string line = "the index is missing or damaged, rebuilt by reading the blocks (" +
                       m_recoveryReason + "); " + std::to_string(m_frames.size()) + " frames found";
    if (m_scanEnd < m_size) {
        line += "; the last " + std::to_string(m_size - m_scanEnd) +
                " bytes of the file (from offset " + std::to_string(m_scanEnd) + ") are not read";
    }
    return {line};
}

Status KtrReader::readFrame(size_t index, std::vector<uint8_t>& out) const {
    return loadFrame(index, out, true);
}

Status KtrReader::checkFrame(size_t index) const {
    std::vector<uint8_t> unused;
    return loadFrame(index, unused, false);
}

Status KtrReader::loadFrame(size_t index, std::vector<uint8_t>& out, bool decompress) const {
    if (index >= m_frames.size()) {
        return Status::error(m_path + ": frame " + std::to_string(index) + " out of range (" +
                             std::to_string(m_frames.size()) + " frames)");
    }
    const FrameRef& r = m_frames[index];
    uint64_t blockOffset = r.offset - ktr::kBlockHeaderSize;
    auto h = readBlockHeader(blockOffset);
    if (!h) return h.status();
    if (h->kind != ktr::BlockKind::Pages || h->csize != r.csize || h->usize != r.usize ||
        h->cpu != r.cpu || h->codec != static_cast<uint8_t>(r.codec)) {
        return Status::error(errorAt(m_path, blockOffset, "block header does not match the index"));
    }
    return readPayload(blockOffset, *h, ktr::kMaxFrameSize, out, decompress);
}

}  // namespace kestrel
