#include "ktr/ktr_convert.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "ktr/ktr_writer.h"

namespace kestrel {
namespace {

// A run of pages of one CPU, destined to become one .ktr frame.
struct Batch {
    uint32_t cpu = 0;
    std::vector<uint8_t> pages;
    Result<CompressedFrame> frame = Status::error("not compressed");
};

// Feeds the CPU's non-empty pages, in batches of `perFrame` pages, to `emit`.
template <class Emit>
Status collectPages(const TraceModel& model, uint32_t cpu, Emit emit) {
    const CpuTrack& track = model.cpu(cpu);
    const PageFormat& format = track.format;
    const size_t perFrame = KtrWriter::kDefaultPagesPerFrame * format.pageSize;
    std::vector<uint8_t> bytes;
    PageReader reader;
    Batch current;
    current.cpu = cpu;
    for (uint32_t f : track.frames) {
        if (Status s = model.source().readFrame(f, bytes); !s.ok()) return s;
        for (size_t at = 0; at + format.dataOffset <= bytes.size(); at += format.pageSize) {
            size_t avail = std::min<size_t>(format.pageSize, bytes.size() - at);
            if (!reader.load(bytes.data() + at, static_cast<uint32_t>(avail), format).ok()) {
                return Status::error(errorAt(model.source().path(), model.frames()[f].offset,
                                             "unreadable page at +" + std::to_string(at)));
            }
            // Empty pages (unused tails of trace.dat v6 CPU areas) carry nothing.
            if (reader.header().length == 0 && !reader.header().missedEvents) continue;
            current.pages.insert(current.pages.end(), bytes.begin() + at,
                                 bytes.begin() + at + avail);
            current.pages.resize(current.pages.size() + (format.pageSize - avail), 0);
            if (current.pages.size() >= perFrame) {
                if (Status s = emit(std::move(current)); !s.ok()) return s;
                current = Batch{};
                current.cpu = cpu;
            }
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
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < batches.size();) {
            Batch& b = batches[i];
            b.frame = KtrWriter::compressFrame(b.cpu, b.pages.data(), b.pages.size(), format,
                                               kConvertLevel);
            b.pages = {};
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
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

Result<ConvertStats> convertToKtr(const TraceModel& model, const std::string& outPath,
                                  unsigned threads) {
    // Written beside outPath and renamed over it at the end: a failure leaves outPath as it was.
    auto writer = KtrWriter::create(outPath, model.meta(), 3, KtrWriter::Mode::kReplace);
    if (!writer) return writer.status();
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    ConvertStats stats;
    // A bounded window of batches in memory: never the whole trace.
    const size_t window = 4 * threads;
    for (uint32_t cpu = 0; cpu < model.cpuCount(); ++cpu) {
        const PageFormat& format = model.cpu(cpu).format;
        std::vector<Batch> batches;
        auto emit = [&](Batch&& b) -> Status {
            batches.push_back(std::move(b));
            if (batches.size() < window) return {};
            return compressAndAppend(batches, format, threads, *writer.value(), stats);
        };
        if (Status s = collectPages(model, cpu, emit); !s.ok()) return s;
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
