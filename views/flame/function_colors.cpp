#include "flame/function_colors.h"

#include <QtGlobal>
#include <algorithm>
#include <cmath>

namespace kestrel {

// FNV-1a over the UTF-16 code units: stable across runs and platforms, unlike qHash,
// which Qt seeds per process.
static uint32_t stableHash(const QString& s) {
    uint32_t h = 2166136261u;
    for (QChar c : s) {
        h ^= c.unicode();
        h *= 16777619u;
    }
    return h;
}

// Hues from red through orange to yellow (0..55 degrees), as flame graphs use, with
// saturation and value varied so neighbours in a stack stay apart.
QColor functionColor(const QString& name) {
    const uint32_t h = stableHash(name);
    const int hue = static_cast<int>(h % 56);
    const int sat = 120 + static_cast<int>((h >> 8) % 100);
    const int val = 215 + static_cast<int>((h >> 16) % 40);
    return QColor::fromHsv(hue, sat, val);
}

QColor growthColor(double change) {
    const double c = std::clamp(change, -1.0, 1.0);
    const int strength = static_cast<int>(std::lround(std::sqrt(std::abs(c)) * 200));
    if (strength < 8) return QColor(232, 232, 232);
    return QColor::fromHsv(c > 0 ? 0 : 220, strength, 250);
}

}  // namespace kestrel
