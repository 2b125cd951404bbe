#include "repeat_trace.h"

#include <algorithm>

#include "base/byte_order.h"
#include "base/parallel.h"
#include "ktr/ktr_writer.h"
#include "ring/page_walk.h"

namespace kestrel::bench {
namespace {

// ring_buffer.c, as ring/page_decoder.cpp reads it.
constexpr uint32_t kTypePadding = 29;
constexpr uint32_t kTypeTimeExtend = 30;
constexpr uint32_t kTypeTimeStamp = 31;
constexpr uint32_t kTsShift = 27;
constexpr uint32_t kDeltaMask = (1u << kTsShift) - 1;
constexpr uint64_t kStampMask = (1ull << 59) - 1;  // what an absolute stamp holds

// The fields of one record that hold times.
void shiftRecord(uint8_t* data, uint32_t size, uint64_t shift, const RecordTimes& times, bool big) {
    if (!times.formats) return;
    CommonFields common;
    if (!times.formats->common(RawEvent{0, data, size}, common)) return;
    for (const RecordTimes::Type& type : times.types) {
        if (type.id != common.type) continue;
        for (uint16_t at : type.offsets) {
            if (uint32_t{at} + 8 > size) continue;
            store64(data + at, load64(data + at, big) + shift, big);
        }
    }
}

// An absolute stamp (type_len 31) at `at`: the low 27 bits in the header word's delta, the
// next 32 in the word after.
Status shiftStamp(uint8_t* page, uint32_t at, uint64_t shift, bool big) {
    uint32_t word = load32(page + at, big);
    uint32_t delta = big ? word & kDeltaMask : word >> 5;
    uint64_t stamp = (uint64_t{load32(page + at + 4, big)} << kTsShift) + delta + shift;
    if (stamp > kStampMask) return Status::error("absolute time stamp overflows 59 bits");
    delta = static_cast<uint32_t>(stamp) & kDeltaMask;
    store32(page + at, big ? (kTypeTimeStamp << 27) | delta : (delta << 5) | kTypeTimeStamp, big);
    store32(page + at + 4, static_cast<uint32_t>(stamp >> kTsShift), big);
    return {};
}

// A trace.dat v6 frame is a CPU's whole area: cut into .ktr frames well below their limit.
constexpr size_t kMaxBatch = 16u << 20;

// Page bytes of one CPU, to be shifted and compressed into one .ktr frame.
struct Batch {
    uint32_t cpu = 0;
    uint64_t shift = 0;
    std::vector<uint8_t> pages;
    Result<CompressedFrame> frame = Status::error("not compressed");
};

}  // namespace

RecordTimes RecordTimes::of(const EventFormats& formats) {
    RecordTimes times;
    times.formats = &formats;
    for (const EventType& t : formats.types()) {
        if (t.system != "ftrace") continue;
        Type type;
        type.id = static_cast<uint16_t>(t.id);
        for (const char* name : {"calltime", "rettime"}) {
            FieldRef f = formats.field(t.id, name);
            if (f.valid() && f.size == 8 && !f.array && !f.dynamic)
                type.offsets.push_back(f.offset);
        }
        if (!type.offsets.empty()) times.types.push_back(type);
    }
    return times;
}

// Mirrors PageReader::next, writing where it reads a time.
Status shiftPage(uint8_t* page, const PageFormat& format, uint64_t shift,
                 const RecordTimes& times) {
    PageReader check;
    if (Status s = check.load(page, format.pageSize, format); !s.ok()) return s;
    const bool big = format.bigEndian;
    const uint32_t end = format.dataOffset + check.header().length;
    store64(page, load64(page, big) + shift, big);
    uint32_t pos = format.dataOffset;
    while (pos + 4 <= end) {
        uint32_t word = load32(page + pos, big);
        uint32_t typeLen = big ? word >> 27 : word & 0x1f;
        uint32_t delta = big ? word & kDeltaMask : word >> 5;
        uint32_t body = pos + 4;
        if (typeLen == kTypePadding) {
            if (delta == 0) break;
            if (body + 4 > end) return Status::error("padding event truncated");
            uint32_t len = load32(page + body, big);
            if (len > end - body) return Status::error("padding length past page end");
            pos = body + std::max<uint32_t>(len, 4);
            continue;
        }
        if (typeLen == kTypeTimeExtend || typeLen == kTypeTimeStamp) {
            if (body + 4 > end) return Status::error("time stamp event truncated");
            if (typeLen == kTypeTimeStamp) {
                if (Status s = shiftStamp(page, pos, shift, big); !s.ok()) return s;
            }
            pos = body + 4;
            continue;
        }
        uint32_t length = typeLen * 4;
        if (typeLen == 0) {
            if (body + 4 > end) return Status::error("event length word truncated");
            uint32_t stored = load32(page + body, big);
            if (stored < 4) return Status::error("event length below 4");
            length = ((stored - 4) + 3) & ~3u;
            body += 4;
        }
        if (length > end - body) return Status::error("event data runs past commit end");
        shiftRecord(page + body, length, shift, times, big);
        pos = body + length;
    }
    return {};
}

Result<TimeRange> eventTimeRange(const TraceSource& source) {
    auto formats = bufferPageFormats(source.meta());
    if (!formats) return formats.status();
    const auto& meta = source.meta();
    std::vector<TimeRange> ranges(source.frames().size());
    Status st = parallelFor(ranges.size(), 0, [&](size_t i, unsigned) -> Status {
        std::vector<uint8_t> bytes;
        // A frame that does not read is left out of the copies too.
        if (!source.readFrame(i, bytes).ok()) return {};
        const FrameRef& ref = source.frames()[i];
        const PageFormat& format = (*formats)[meta.cpus[ref.cpu].buffer];
        TimeRange& r = ranges[i];
        walkPages(
            bytes.data(), bytes.size(), format, [](const PageHeader&, size_t) { return true; },
            [&](const RawEvent& e) {
                r.first = std::min(r.first, e.ts);
                r.last = std::max(r.last, e.ts);
            },
            [](size_t, const std::string&) {});
        return {};
    });
    if (!st.ok()) return st;
    TimeRange all;
    for (const TimeRange& r : ranges) {
        all.first = std::min(all.first, r.first);
        all.last = std::max(all.last, r.last);
    }
    return all;
}

namespace {

class Repeater {
public:
    Repeater(const TraceSource& source, KtrWriter& writer, const RecordTimes& times,
             unsigned threads, RepeatStats& stats)
        : m_source(source), m_writer(writer), m_times(times), m_threads(threads), m_stats(stats) {}

    // One copy of one CPU's pages, moved by `shift`. Each input frame gives one frame
    // (its pages that carry something), so the copies are cut into frames as the input is.
    Status copyCpu(uint32_t cpu, const std::vector<uint32_t>& frames, const PageFormat& format,
                   uint64_t shift, bool noteSkipped) {
        std::vector<uint8_t> bytes;
        for (uint32_t f : frames) {
            const std::string where = "cpu " + std::to_string(cpu) + ": frame at offset " +
                                      std::to_string(m_source.frames()[f].offset);
            if (Status s = m_source.readFrame(f, bytes); !s.ok()) {
                if (noteSkipped) m_stats.skipped.push_back(where + " skipped: " + s.message());
                continue;
            }
            Batch batch{cpu, shift, {}, Status::error("not compressed")};
            for (size_t at : wholePages(bytes, format, where, noteSkipped)) {
                size_t avail = std::min<size_t>(format.pageSize, bytes.size() - at);
                batch.pages.insert(batch.pages.end(), bytes.begin() + at,
                                   bytes.begin() + at + avail);
                batch.pages.resize(batch.pages.size() + (format.pageSize - avail), 0);
                if (batch.pages.size() < kMaxBatch) continue;
                if (Status s = emit(std::move(batch), format); !s.ok()) return s;
                batch = Batch{cpu, shift, {}, Status::error("not compressed")};
            }
            if (batch.pages.empty()) continue;
            if (Status s = emit(std::move(batch), format); !s.ok()) return s;
        }
        return flush(format);
    }

private:
    // Offsets of the pages that decode whole and carry something, as ktr convert keeps them.
    std::vector<size_t> wholePages(const std::vector<uint8_t>& bytes, const PageFormat& format,
                                   const std::string& where, bool noteSkipped) {
        std::vector<size_t> keep;
        walkPages(
            bytes.data(), bytes.size(), format,
            [&](const PageHeader& h, size_t at) {
                if (h.length == 0 && !h.missedEvents) return false;
                keep.push_back(at);
                return true;
            },
            [](const RawEvent&) {},
            [&](size_t at, const std::string& what) {
                std::erase(keep, at);
                if (noteSkipped) {
                    m_stats.skipped.push_back(where + ": page at +" + std::to_string(at) +
                                              " skipped: " + what);
                }
            });
        return keep;
    }

    // A bounded window of batches in memory, never the whole trace.
    Status emit(Batch&& batch, const PageFormat& format) {
        m_batches.push_back(std::move(batch));
        if (m_batches.size() < 4 * size_t{m_threads}) return {};
        return flush(format);
    }

    // Shifts and compresses the batches on every core, then appends them in order.
    Status flush(const PageFormat& format) {
        (void)parallelFor(m_batches.size(), m_threads, [&](size_t i, unsigned) -> Status {
            Batch& b = m_batches[i];
            for (size_t at = 0; at < b.pages.size(); at += format.pageSize) {
                if (Status s = shiftPage(b.pages.data() + at, format, b.shift, m_times); !s.ok()) {
                    b.frame = Status::error("cpu " + std::to_string(b.cpu) + ": " + s.message());
                    return {};
                }
            }
            b.frame = KtrWriter::compressFrame(b.cpu, b.pages.data(), b.pages.size(), format);
            b.pages = {};
            return {};
        });
        for (Batch& b : m_batches) {
            if (!b.frame) return b.frame.status();
            if (Status s = m_writer.appendCompressed(b.frame.value()); !s.ok()) return s;
            m_stats.pages += b.frame.value().ref.usize / format.pageSize;
            m_stats.frames++;
        }
        m_batches.clear();
        return {};
    }

    const TraceSource& m_source;
    KtrWriter& m_writer;
    const RecordTimes& m_times;
    unsigned m_threads;
    RepeatStats& m_stats;
    std::vector<Batch> m_batches;
};

}  // namespace

Result<RepeatStats> repeatTrace(const TraceSource& source, const std::string& outPath,
                                unsigned copies, uint64_t gap, unsigned threads) {
    if (copies == 0) return Status::error("the number of copies must be at least 1");
    const TraceMeta& meta = source.meta();
    auto formats = bufferPageFormats(meta);
    if (!formats) return Status::error(source.path() + ": " + formats.message());
    auto eventFormats = EventFormats::create(meta, EventFormats::Use::kFields);
    if (!eventFormats) return eventFormats.status();
    const RecordTimes times = RecordTimes::of(*eventFormats.value());
    auto range = eventTimeRange(source);
    if (!range) return range.status();
    if (range->first > range->last) return Status::error(source.path() + ": no events");
    RepeatStats stats;
    stats.shift = range->last - range->first + gap;
    auto writer = KtrWriter::create(outPath, meta, 3, KtrWriter::Mode::kReplace);
    if (!writer) return writer.status();
    Repeater repeater(source, *writer.value(), times, workerCount(threads, SIZE_MAX), stats);
    // A CPU's frames stay in time order: all copies of CPU 0, then of CPU 1...
    auto byCpu = framesByCpu(source.frames(), meta.cpus.size());
    for (uint32_t cpu = 0; cpu < meta.cpus.size(); ++cpu) {
        const PageFormat& format = (*formats)[meta.cpus[cpu].buffer];
        for (unsigned k = 0; k < copies; ++k) {
            if (Status s = repeater.copyCpu(cpu, byCpu[cpu], format, k * stats.shift, k == 0);
                !s.ok()) {
                return s;
            }
        }
    }
    if (Status s = writer.value()->finish(); !s.ok()) return s;
    stats.bytesWritten = writer.value()->bytesWritten();
    return stats;
}

}  // namespace kestrel::bench
