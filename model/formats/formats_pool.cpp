#include "formats/formats_pool.h"

namespace kestrel {

FormatsPool::Lease::~Lease() {
    if (!m_pool || !m_formats) return;
    std::lock_guard lock(m_pool->m_mutex);
    m_pool->m_free.push_back(std::move(m_formats));
}

Result<FormatsPool::Lease> FormatsPool::acquire() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_free.empty()) {
            auto f = std::move(m_free.back());
            m_free.pop_back();
            return Lease(this, std::move(f));
        }
    }
    auto created = EventFormats::create(m_meta, m_use);
    if (!created) return created.status();
    return Lease(this, std::move(created.value()));
}

}  // namespace kestrel
