#pragma once
// Reads one CPU's ring buffer from per_cpu/cpuN/trace_pipe_raw: full pages by splice()
// through a pipe, woken by a short poll timer (no busy loop); the partly written page
// by read() once a second and at the end. Pages are batched into runs that become
// one .ktr frame each. Events and lost events are counted here, as the pages arrive, so
// the live figures do not wait for compression (which lags under a function_graph flood).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ring/page_decoder.h"

namespace kestrel {

struct PageBatch {
    uint32_t cpu = 0;            // global CPU index (TraceMeta::cpus)
    std::vector<uint8_t> pages;  // whole pages
};

class CpuReader {
public:
    using Sink = std::function<void(PageBatch&&)>;

    // `stopFd` is an eventfd that becomes readable when recording stops.
    CpuReader(uint32_t cpu, const PageFormat& format, uint32_t pagesPerFrame, int stopFd, Sink sink)
        : m_cpu(cpu),
          m_format(format),
          m_pageSize(format.pageSize),
          m_pagesPerFrame(pagesPerFrame),
          m_stopFd(stopFd),
          m_sink(std::move(sink)) {}
    ~CpuReader();

    Status open(const std::string& traceDir, uint32_t kernelCpu);  // opens trace_pipe_raw
    // The longest time pages wait here before they go to the file, the page being
    // written included (default 1 s; a live view wants less). Before run().
    void setFlushAfter(std::chrono::milliseconds ms) { m_flushAfter = ms; }
    // Runs until stopFd fires, then drains what is left (tracing must be off by then).
    Status run();

    uint64_t bytesRead() const { return m_bytes.load(std::memory_order_relaxed); }
    uint64_t events() const { return m_events.load(std::memory_order_relaxed); }
    // Missed events the pages flag (1 for a page that flags a loss without a count).
    uint64_t lost() const { return m_lost.load(std::memory_order_relaxed); }

private:
    enum class Drain { Empty, Stopped, Error };
    Drain spliceFull();  // moves the full pages the writer has left
    // Reads up to maxPages by read(), the page being written included, or until empty.
    Drain readAvailable(size_t maxPages);
    void flush();
    void count(const PageBatch& batch);

    uint32_t m_cpu;
    PageFormat m_format;
    uint32_t m_pageSize;
    uint32_t m_pagesPerFrame;
    int m_stopFd;
    int m_fd = -1;
    int m_pipe[2] = {-1, -1};
    size_t m_spliceBytes = 0;
    std::chrono::steady_clock::time_point m_lastPartial;
    std::chrono::milliseconds m_flushAfter{1000};
    Sink m_sink;
    PageBatch m_batch;
    std::chrono::steady_clock::time_point m_batchStart;  // first page of m_batch
    std::string m_error;
    std::atomic<uint64_t> m_bytes{0};
    std::atomic<uint64_t> m_events{0};
    std::atomic<uint64_t> m_lost{0};
};

}  // namespace kestrel
