#include "ktr/ktr_convert.h"

#include <algorithm>

#include "base/parallel.h"
#include "ktr/ktr_writer.h"
#include "ring/page_walk.h"

namespace kestrel {
namespace {

// A run of pages of one CPU, destined to become one .ktr frame.
struct Batch {
    uint32_t cpu = 0;
    std::vector<uint8_t> pages;
    Result<CompressedFrame> frame = Status::error("not compressed");
};

// Feeds the CPU's non-empty pages, in batches of `perFrame` pages, to `emit`. Frames and
// pages that do not read are left out and listed in `skipped`.
template <class Emit>
Status collectPages(const TraceSource& source, const std::vector<uint32_t>& frames, uint32_t cpu,
                    const PageFormat& format, Emit emit, std::vector<std::string>& skipped) {
    const size_t perFrame = KtrWriter::kDefaultPagesPerFrame * format.pageSize;
    std::vector<uint8_t> bytes;
    Batch current;
    current.cpu = cpu;
    // Pages that decode whole, header and events (the writer checks every page it is
    // given), are copied byte for byte; the others are left out.
    std::vector<size_t> keep;
    auto onPage = [&](const PageHeader& h, size_t at) {
        // Empty pages (unused tails of trace.dat v6 CPU areas) carry nothing.
        if (h.length == 0 && !h.missedEvents) return false;
        keep.push_back(at);
        return true;
    };
    for (uint32_t f : frames) {
        const std::string where = "cpu " + std::to_string(cpu) + ": frame at offset " +
                                  std::to_string(source.frames()[f].offset);
        if (Status s = source.readFrame(f, bytes); !s.ok()) {
            skipped.push_back(where + " (" + std::to_string(source.frames()[f].usize) +
                              " bytes) skipped: " + s.message());
            continue;
        }
        keep.clear();
        walkPages(
            bytes.data(), bytes.size(), format, onPage, [](const RawEvent&) {},
            [&](size_t at, const std::string& what) {
                std::erase(keep, at);
                skipped.push_back(where + ": page at +" + std::to_string(at) + " skipped: " + what);
            });
        for (size_t at : keep) {
            size_t avail = std::min<size_t>(format.pageSize, bytes.size() - at);
            current.pages.insert(current.pages.end(), bytes.begin() + at,
                                 bytes.begin() + at + avail);
            current.pages.resize(current.pages.size() + (format.pageSize - avail), 0);
            if (current.pages.size() < perFrame) continue;
            if (Status st = emit(std::move(current)); !st.ok()) return st;
            current = Batch{};
            current.cpu = cpu;
        }
    }
    if (!current.pages.empty()) return emit(std::move(current));
    return {};
}

// Offline conversion can afford more than the recorder's live level: on a 4M-event
// sched/syscall trace level 7 gives 9.2 MB against 11.3 MB at level 3 (trace-cmd's zstd
// file: 10.8 MB) for 1.4 s instead of 0.5 s of CPU (docs/performance.md).
constexpr int kConvertLevel = 7;

// Compresses the batches on `threads` cores, then appends them in order.
Status compressAndAppend(std::vector<Batch>& batches, const PageFormat& format, unsigned threads,
                         KtrWriter& writer, ConvertStats& stats) {
    (void)parallelFor(batches.size(), threads, [&](size_t i, unsigned) -> Status {
        Batch& b = batches[i];
        b.frame =
            KtrWriter::compressFrame(b.cpu, b.pages.data(), b.pages.size(), format, kConvertLevel);
        b.pages = {};
        return {};
    });
    for (Batch& b : batches) {
        if (!b.frame) return b.frame.status();
        if (Status s = writer.appendCompressed(b.frame.value()); !s.ok()) return s;
        stats.pages += b.frame.value().ref.usize / format.pageSize;
        stats.frames++;
    }
    batches.clear();
    return {};
}

}  // namespace

Result<ConvertStats> convertToKtr(const TraceSource& source, const std::string& outPath,
                                  unsigned threads) {
    const TraceMeta& meta = source.meta();
    auto formats = bufferPageFormats(meta);
    if (!formats) return Status::error(source.path() + ": " + formats.message());
    // Written beside outPath and renamed over it at the end: a failure leaves outPath as it was.
    auto writer = KtrWriter::create(outPath, meta, 3, KtrWriter::Mode::kReplace);
    if (!writer) return writer.status();
    threads = workerCount(threads, SIZE_MAX);
    ConvertStats stats;
    // A bounded window of batches in memory: never the whole trace.
    const size_t window = 4 * threads;
    auto byCpu = framesByCpu(source.frames(), meta.cpus.size());
    for (uint32_t cpu = 0; cpu < meta.cpus.size(); ++cpu) {
        const PageFormat& format = (*formats)[meta.cpus[cpu].buffer];
        std::vector<Batch> batches;
        auto emit = [&](Batch&& b) -> Status {
            batches.push_back(std::move(b));
            if (batches.size() < window) return {};
            return compressAndAppend(batches, format, threads, *writer.value(), stats);
        };
        if (Status s = collectPages(source, byCpu[cpu], cpu, format, emit, stats.skipped); !s.ok())
            return s;
        if (Status s = compressAndAppend(batches, format, threads, *writer.value(), stats);
            !s.ok()) {
            return s;
        }
    }
    if (Status s = writer.value()->finish(); !s.ok()) return s;
    stats.bytesWritten = writer.value()->bytesWritten();
    return stats;
}

}  // namespace kestrel
