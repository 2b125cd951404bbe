#include "decode/frame_cache.h"

namespace kestrel {

FrameCache::FrameCache(const TraceSource& source, size_t maxBytes)
    : m_source(source), m_maxBytes(maxBytes) {}

Result<FrameBytes> FrameCache::get(size_t frameIndex) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_byIndex.find(frameIndex);
        if (it != m_byIndex.end()) {
            m_lru.splice(m_lru.begin(), m_lru, it->second);
            return it->second->second;
        }
    }
    auto bytes = std::make_shared<std::vector<uint8_t>>();
    if (Status s = m_source.readFrame(frameIndex, *bytes); !s.ok()) return s;
    FrameBytes frame = std::move(bytes);
    std::lock_guard lock(m_mutex);
    insertLocked(frameIndex, frame);
    return frame;
}

void FrameCache::insertLocked(size_t frameIndex, FrameBytes bytes) {
    if (m_byIndex.count(frameIndex)) return;  // another thread decoded it meanwhile
    m_bytes += bytes->size();
    m_lru.emplace_front(frameIndex, std::move(bytes));
    m_byIndex[frameIndex] = m_lru.begin();
    // Keep at least the newest frame even when one frame exceeds the budget.
    while (m_bytes > m_maxBytes && m_lru.size() > 1) {
        auto& [index, victim] = m_lru.back();
        m_bytes -= victim->size();
        m_byIndex.erase(index);
        m_lru.pop_back();
    }
}

size_t FrameCache::bytesUsed() const {
    std::lock_guard lock(m_mutex);
    return m_bytes;
}

}  // namespace kestrel
