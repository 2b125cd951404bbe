#pragma once
// A bounded LRU cache of decompressed frames, shared by cursors and analyses.
// Decompression happens outside the lock so threads decode different frames at once.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/trace_source.h"

namespace kestrel {

using FrameBytes = std::shared_ptr<const std::vector<uint8_t>>;

class FrameCache {
public:
    static constexpr size_t kDefaultBytes = 256u << 20;

    FrameCache(const TraceSource& source, size_t maxBytes);
    Result<FrameBytes> get(size_t frameIndex);
    size_t bytesUsed() const;
    size_t maxBytes() const { return m_maxBytes; }

private:
    void insertLocked(size_t frameIndex, FrameBytes bytes);

    const TraceSource& m_source;
    size_t m_maxBytes;
    mutable std::mutex m_mutex;
    size_t m_bytes = 0;
    std::list<std::pair<size_t, FrameBytes>> m_lru;  // most recent first
    std::unordered_map<size_t, std::list<std::pair<size_t, FrameBytes>>::iterator> m_byIndex;
};

}  // namespace kestrel
