#pragma once
// Unaligned loads in either byte order. Ring-buffer data is in the traced kernel's
// order; .ktr and most trace.dat fields are in a fixed order.
#include <cstdint>
#include <cstring>

namespace kestrel {

inline uint16_t load16(const uint8_t* p, bool big) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return big ? __builtin_bswap16(v) : v;
}
inline uint32_t load32(const uint8_t* p, bool big) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return big ? __builtin_bswap32(v) : v;
}
inline uint64_t load64(const uint8_t* p, bool big) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return big ? __builtin_bswap64(v) : v;
}
inline uint64_t loadUnsigned(const uint8_t* p, unsigned size, bool big) {
    switch (size) {
        case 1:
            return *p;
        case 2:
            return load16(p, big);
        case 4:
            return load32(p, big);
        case 8:
            return load64(p, big);
        default:
            return 0;
    }
}

inline void store16(uint8_t* p, uint16_t v) {
    std::memcpy(p, &v, 2);
}
inline void store32(uint8_t* p, uint32_t v) {
    std::memcpy(p, &v, 4);
}
inline void store64(uint8_t* p, uint64_t v) {
    std::memcpy(p, &v, 8);
}

}  // namespace kestrel
