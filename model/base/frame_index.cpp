#include "base/frame_index.h"

#include <algorithm>

namespace kestrel {

std::vector<std::vector<uint32_t>> framesByCpu(const FrameIndex& frames, size_t cpus) {
    std::vector<std::vector<uint32_t>> out(cpus);
    for (uint32_t i = 0; i < frames.size(); ++i) {
        if (frames[i].cpu < cpus) out[frames[i].cpu].push_back(i);
    }
    // Readers list frames in file order already; sort (stably) only in case one does not.
    for (auto& list : out) {
        std::stable_sort(list.begin(), list.end(), [&](uint32_t a, uint32_t b) {
            return frames[a].offset < frames[b].offset;
        });
    }
    return out;
}

}  // namespace kestrel
