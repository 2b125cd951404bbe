#include "decode/damage.h"

#include <algorithm>

namespace kestrel {

bool DamageLog::note(Damage damage) {
    std::lock_guard lock(m_mutex);
    if (!m_seen.insert({damage.frame, damage.page}).second) return false;
    m_items.push_back(std::move(damage));
    return true;
}

std::vector<Damage> DamageLog::all() const {
    std::lock_guard lock(m_mutex);
    std::vector<Damage> out = m_items;
    std::sort(out.begin(), out.end(), [](const Damage& a, const Damage& b) {
        return a.frame != b.frame ? a.frame < b.frame : a.page < b.page;
    });
    return out;
}

bool DamageLog::empty() const {
    std::lock_guard lock(m_mutex);
    return m_items.empty();
}

}  // namespace kestrel
