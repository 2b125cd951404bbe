#pragma once
// The one set of unaligned loads and stores in a given byte order, whatever the host's.
// Ring-buffer data is in the traced kernel's order (TraceMeta::bigEndian); .ktr
// structures are little-endian; trace.dat numbers follow the file's endianness byte.
#include <bit>
#include <cstdint>
#include <cstring>

namespace kestrel {

inline constexpr bool kHostBigEndian = std::endian::native == std::endian::big;

inline uint16_t load16(const uint8_t* p, bool big) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return big != kHostBigEndian ? __builtin_bswap16(v) : v;
}
inline uint32_t load32(const uint8_t* p, bool big) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return big != kHostBigEndian ? __builtin_bswap32(v) : v;
}
inline uint64_t load64(const uint8_t* p, bool big) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return big != kHostBigEndian ? __builtin_bswap64(v) : v;
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

// Stores default to little-endian, the order of every structure Kestrel writes.
inline void store16(uint8_t* p, uint16_t v, bool big = false) {
    if (big != kHostBigEndian) v = __builtin_bswap16(v);
    std::memcpy(p, &v, 2);
}
inline void store32(uint8_t* p, uint32_t v, bool big = false) {
    if (big != kHostBigEndian) v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}
inline void store64(uint8_t* p, uint64_t v, bool big = false) {
    if (big != kHostBigEndian) v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}

}  // namespace kestrel
