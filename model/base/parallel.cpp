#include "base/parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace kestrel {

unsigned workerCount(unsigned requested, size_t items) {
    unsigned n = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::clamp<size_t>(items, 1, n));
}

Status runWorkers(unsigned workers, const std::function<Status(unsigned worker)>& worker) {
    workers = std::max(1u, workers);
    std::vector<Status> results(workers);
    std::vector<std::thread> threads;
    threads.reserve(workers - 1);
    for (unsigned w = 1; w < workers; ++w) {
        threads.emplace_back([&, w] { results[w] = worker(w); });
    }
    results[0] = worker(0);
    for (std::thread& t : threads) t.join();
    for (Status& s : results) {
        if (!s.ok()) return s;
    }
    return {};
}

Status parallelFor(size_t count, unsigned workers,
                   const std::function<Status(size_t item, unsigned worker)>& work) {
    WorkQueue queue(count);
    return runWorkers(workers, [&](unsigned w) -> Status {
        for (size_t item; queue.take(item);) {
            if (Status s = work(item, w); !s.ok()) {
                queue.stop();
                return s;
            }
        }
        return {};
    });
}

}  // namespace kestrel
