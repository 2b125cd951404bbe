#include "cpu_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "ring/page_walk.h"

namespace kestrel {
namespace {

// A partly filled frame is handed on after this long, so a slow trace still reaches
// the file (and survives a kill -9) within about a second.
// How often the ring buffer is checked for full pages. poll() on trace_pipe_raw is not
// a reliable wake-up here, so the reader wakes on this timer (or at once on stop): at
// the default 1.4 MB per CPU a CPU would need more than 140 MB/s (about 3 M events/s)
// to fill it in between.
constexpr int kPollMs = 10;
constexpr size_t kSplicePages = 64;  // pages moved per splice() call

}  // namespace

CpuReader::~CpuReader() {
    for (int fd : {m_fd, m_pipe[0], m_pipe[1]}) {
        if (fd >= 0) ::close(fd);
    }
}

Status CpuReader::open(const std::string& traceDir, uint32_t kernelCpu) {
    std::string path = traceDir + "/per_cpu/cpu" + std::to_string(kernelCpu) + "/trace_pipe_raw";
    m_fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (m_fd < 0) return Status::error(path + ": " + std::strerror(errno));
    m_batch.cpu = m_cpu;
    if (::pipe2(m_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        return Status::error(std::string("pipe: ") + std::strerror(errno));
    }
    // Room for a whole splice of pages; when refused, fewer pages go per call.
    int size = ::fcntl(m_pipe[1], F_SETPIPE_SZ, static_cast<int>(kSplicePages * m_pageSize));
    m_spliceBytes = size > 0 ? static_cast<size_t>(size) / m_pageSize * m_pageSize : m_pageSize;
    return {};
}

void CpuReader::count(const PageBatch& batch) {
    uint64_t events = 0, lost = 0;
    walkPages(
        batch.pages.data(), batch.pages.size(), m_format,
        [&](const PageHeader& h, size_t) {
            if (h.missedEvents) lost += h.missedStored && h.missedCount ? h.missedCount : 1;
            return true;
        },
        [&](const RawEvent&) { ++events; }, [](size_t, const std::string&) {});
    m_events.fetch_add(events, std::memory_order_relaxed);
    m_lost.fetch_add(lost, std::memory_order_relaxed);
}

void CpuReader::flush() {
    if (m_batch.pages.empty()) return;
    count(m_batch);
    m_sink(std::move(m_batch));
    m_batch = PageBatch{};
    m_batch.cpu = m_cpu;
}

// splice() hands over only pages the writer has left, never the one it is filling, so
// the reader does not chase the writer and every page it takes is full.
CpuReader::Drain CpuReader::spliceFull() {
    const size_t frameBytes = static_cast<size_t>(m_pagesPerFrame) * m_pageSize;
    for (;;) {
        ssize_t n = ::splice(m_fd, nullptr, m_pipe[1], nullptr, m_spliceBytes,
                             SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0 || errno == EAGAIN || errno == EBUSY) return Drain::Empty;
            m_error =
                std::string("cpu ") + std::to_string(m_cpu) + ": splice: " + std::strerror(errno);
            return Drain::Error;
        }
        for (size_t left = static_cast<size_t>(n); left > 0;) {
            size_t at = m_batch.pages.size();
            if (at == 0) {
                m_batchStart = std::chrono::steady_clock::now();
                m_batch.pages.reserve(frameBytes);
            }
            size_t chunk = std::min(left, frameBytes - at);
            m_batch.pages.resize(at + chunk);
            ssize_t got = ::read(m_pipe[0], m_batch.pages.data() + at, chunk);
            if (got < 0 && errno == EINTR) got = 0;
            if (got < 0) {
                m_error = std::string("cpu ") + std::to_string(m_cpu) +
                          ": pipe read: " + std::strerror(errno);
                return Drain::Error;
            }
            m_batch.pages.resize(at + static_cast<size_t>(got));
            left -= static_cast<size_t>(got);
            m_bytes.fetch_add(static_cast<uint64_t>(got), std::memory_order_relaxed);
            if (m_batch.pages.size() >= frameBytes) flush();
        }
    }
}

CpuReader::Drain CpuReader::readAvailable(size_t maxPages) {
    const size_t frameBytes = static_cast<size_t>(m_pagesPerFrame) * m_pageSize;
    for (size_t page = 0; page < maxPages; ++page) {
        if (m_batch.pages.capacity() < frameBytes) m_batch.pages.reserve(frameBytes);
        size_t at = m_batch.pages.size();
        if (at == 0) m_batchStart = std::chrono::steady_clock::now();
        m_batch.pages.resize(at + m_pageSize);
        ssize_t n = ::read(m_fd, m_batch.pages.data() + at, m_pageSize);
        if (n <= 0) {
            m_batch.pages.resize(at);
            if (n < 0 && errno == EINTR) continue;
            if (n == 0 || errno == EAGAIN) return Drain::Empty;
            m_error =
                std::string("cpu ") + std::to_string(m_cpu) + ": read: " + std::strerror(errno);
            return Drain::Error;
        }
        // A short read keeps the page whole: the rest is zero, past the commit length.
        if (static_cast<size_t>(n) < m_pageSize) {
            std::memset(m_batch.pages.data() + at + n, 0, m_pageSize - static_cast<size_t>(n));
        }
        m_bytes.fetch_add(m_pageSize, std::memory_order_relaxed);
        if (m_batch.pages.size() >= frameBytes) flush();
    }
    return Drain::Empty;
}

Status CpuReader::run() {
    bool stopping = false;
    m_lastPartial = std::chrono::steady_clock::now();
    while (!stopping) {
        pollfd stop = {m_stopFd, POLLIN, 0};
        int r = ::poll(&stop, 1, kPollMs);
        if (r < 0 && errno != EINTR)
            return Status::error(std::string("poll: ") + std::strerror(errno));
        stopping = r > 0 && (stop.revents & POLLIN);
        if (spliceFull() == Drain::Error) return Status::error(m_error);
        // Every m_flushAfter the page being filled is taken too, so slow traces reach the
        // file.
        auto now = std::chrono::steady_clock::now();
        if (now - m_lastPartial >= m_flushAfter) {
            m_lastPartial = now;
            // A couple of pages at most: with tracing on, read() would chase the writer.
            if (readAvailable(2) == Drain::Error) return Status::error(m_error);
            flush();
        }
    }
    // Tracing is off: what is left in the ring buffer is read out to the last page.
    if (spliceFull() == Drain::Error || readAvailable(SIZE_MAX) == Drain::Error)
        return Status::error(m_error);
    flush();
    return {};
}

}  // namespace kestrel
