#pragma once
// The one way the model spreads a pass over cores: a fixed number of workers (the
// calling thread is worker 0) take items from a shared queue in order. A worker that
// fails stops the hand-out, so the others finish their current item and return; the
// pass then reports that first error. Frames, CPUs, time slices and search chunks all
// go through it.
#include <atomic>
#include <cstddef>
#include <functional>

#include "base/status.h"

namespace kestrel {

// Threads for a pass over `items` pieces of work: `requested` (0 = every core), never
// more than there are items, at least one.
unsigned workerCount(unsigned requested, size_t items);

// Items [0, count) handed out in order; safe to share between workers.
class WorkQueue {
public:
    explicit WorkQueue(size_t count) : m_count(count) {}
    // The next item, or false when none is left (or the queue was stopped).
    bool take(size_t& item) {
        item = m_next.fetch_add(1, std::memory_order_relaxed);
        return item < m_count;
    }
    void stop() { m_next.store(m_count, std::memory_order_relaxed); }
    size_t size() const { return m_count; }

private:
    std::atomic<size_t> m_next{0};
    size_t m_count;
};

// Runs worker(w) for w in [0, workers) on as many threads, w = 0 on the calling thread,
// and returns the first error any of them returned (by worker order).
Status runWorkers(unsigned workers, const std::function<Status(unsigned worker)>& worker);

// Calls work(item, worker) for every item of [0, count) on `workers` threads. The first
// failure stops the hand-out of further items and is returned.
Status parallelFor(size_t count, unsigned workers,
                   const std::function<Status(size_t item, unsigned worker)>& work);

}  // namespace kestrel
