#pragma once
// Bounds-checked field access and number printing shared by EventFormats, its compiled
// print programs and its copies of plugin handlers. Internal to formats/.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/byte_order.h"
#include "formats/event_formats.h"

struct tep_format_field;

namespace kestrel {

// A field as libtraceevent parsed it; invalid() for a null field or an impossible one.
FieldRef toRef(const tep_format_field* f);

inline uint32_t fieldEnd(const FieldRef& f) {
    return uint32_t{f.offset} + (f.array ? f.arrayBytes : f.size);
}

inline std::string_view cutAtNul(const char* p, size_t n) {
    const void* nul = std::memchr(p, 0, n);
    return {p, nul ? static_cast<size_t>(static_cast<const char*>(nul) - p) : n};
}

// Where a __data_loc / __rel_loc field's bytes are, or false when outside the payload.
inline bool dynamicSpan(const FieldRef& f, const RawEvent& e, bool big, uint32_t& off,
                        uint32_t& len) {
    if (!f.valid() || fieldEnd(f) > e.size) return false;
    uint32_t word = f.size == 2 ? load16(e.data + f.offset, big) : load32(e.data + f.offset, big);
    off = word & 0xffff;
    // event-parse.c dynamic_offset: a 2-byte loc has no length; the data runs to the end.
    len = f.size == 2 ? (off <= e.size ? e.size - off : 0) : word >> 16;
    if (f.relative) off += fieldEnd(f);
    return off <= e.size && len <= e.size - off;
}

// ---- printf without the format parsing ----

// Constant divisors per base: a division by a runtime base was the dump's hottest spot.
inline void appendDigits(uint64_t v, unsigned base, bool upper, std::string& digits) {
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    char* end = buf + sizeof buf;
    char* p = end;
    if (base == 16) {
        do {
            *--p = set[v & 15];
            v >>= 4;
        } while (v);
    } else if (base == 10) {
        do {
            *--p = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
    } else {
        do {
            *--p = set[v % base];
            v /= base;
        } while (v);
    }
    digits.append(p, static_cast<size_t>(end - p));
}

inline void appendDecimal(int64_t v, std::string& out) {
    if (v < 0) out += '-';
    appendDigits(v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v), 10, false, out);
}

// printf "%p" of glibc.
inline void appendPointer(uint64_t v, std::string& out) {
    if (!v) {
        out += "(nil)";
        return;
    }
    out += "0x";
    appendDigits(v, 16, false, out);
}

}  // namespace kestrel
