#pragma once
// Progress and cancel of a long pass (scan, analysis, index, search): the pass counts
// finished units of work, a caller on another thread (the GUI's timer) reads them and may
// ask it to stop. Plain atomics, so reading never blocks the pass.
#include <atomic>
#include <cstdint>

namespace kestrel {

struct Progress {
    std::atomic<uint64_t> done{0};   // units finished (frames, slices, chunks)
    std::atomic<uint64_t> total{0};  // units the pass will do, once known
    std::atomic<bool> cancel{false};

    bool cancelled() const { return cancel.load(std::memory_order_relaxed); }
    void advance(uint64_t n = 1) { done.fetch_add(n, std::memory_order_relaxed); }
};

// The same for an optional Progress (passes take nullptr when nobody watches).
inline bool cancelled(const Progress* p) {
    return p && p->cancelled();
}
inline void advance(Progress* p, uint64_t n = 1) {
    if (p) p->advance(n);
}

}  // namespace kestrel
