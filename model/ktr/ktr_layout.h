#pragma once
// On-disk layout of a .ktr file, shared by KtrWriter and KtrReader. The byte-level
// description with offsets is docs/ktr-format.md; keep both in step.
//
//   [file header 32][metadata block][page block]...[late metadata block][index block][footer 40]
//
// Every block starts with the same 64-byte header; every integer is little-endian,
// whatever the byte order of the traced kernel (the pages inside page blocks keep the
// kernel's byte order, untouched).
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "base/byte_order.h"

namespace kestrel::ktr {

inline constexpr uint16_t kVersion = 1;  // the newest version this code reads and writes
inline constexpr uint32_t kFileHeaderSize = 32;
inline constexpr uint32_t kBlockHeaderSize = 64;
inline constexpr uint32_t kIndexEntrySize = 56;
inline constexpr uint32_t kFooterSize = 40;

inline constexpr char kFileMagic[4] = {'K', 'T', 'R', '1'};
inline constexpr char kBlockMagic[4] = {'K', 'T', 'R', 'B'};
inline constexpr char kFooterMagic[4] = {'K', 'T', 'R', 'F'};

enum class BlockKind : uint8_t { Metadata = 1, Pages = 2, Index = 3 };

// Block header flags.
inline constexpr uint32_t kFlagLostUnknown = 1u << 0;  // a page had RB_MISSED_EVENTS, no count

// Sane maxima: never allocate more than this from a length read from the file.
inline constexpr uint32_t kMaxFrameSize = 64u << 20;  // uncompressed bytes of a page block
inline constexpr uint32_t kMaxMetaSize = 256u << 20;  // uncompressed bytes of a metadata block

// Metadata TLV tags (u32 tag, u32 length, bytes). Readers skip tags they do not know.
namespace tag {
inline constexpr uint32_t kBigEndian = 1;    // u8
inline constexpr uint32_t kLongSize = 2;     // u32
inline constexpr uint32_t kPageSize = 3;     // u32
inline constexpr uint32_t kHeaderPage = 4;   // bytes
inline constexpr uint32_t kHeaderEvent = 5;  // bytes
inline constexpr uint32_t kFormat = 6;       // nested: kFormatSystem, kFormatText
inline constexpr uint32_t kKallsyms = 7;
inline constexpr uint32_t kPrintkFormats = 8;
inline constexpr uint32_t kSavedCmdlines = 9;
inline constexpr uint32_t kSavedTgids = 10;
inline constexpr uint32_t kUname = 11;
inline constexpr uint32_t kTraceClock = 12;
inline constexpr uint32_t kRecorded = 13;
inline constexpr uint32_t kTsOffset = 14;  // i64
inline constexpr uint32_t kBuffer = 15;    // nested: kBufferName, kBufferClock, kBufferSubbuf
inline constexpr uint32_t kCpu = 16;  // nested: kCpuBuffer, kCpuNumber, kCpuOverrun, kCpuDropped
// Tags inside nested records.
inline constexpr uint32_t kFormatSystem = 1;
inline constexpr uint32_t kFormatText = 2;
inline constexpr uint32_t kBufferName = 1;
inline constexpr uint32_t kBufferClock = 2;
inline constexpr uint32_t kBufferSubbuf = 3;  // u32
inline constexpr uint32_t kCpuBuffer = 1;     // u32
inline constexpr uint32_t kCpuNumber = 2;     // u32
inline constexpr uint32_t kCpuOverrun = 3;    // u64
inline constexpr uint32_t kCpuDropped = 4;    // u64
}  // namespace tag

// zlib's CRC-32 (the polynomial of gzip and PNG).
inline uint32_t crc(const uint8_t* data, size_t size) {
    return static_cast<uint32_t>(crc32_z(0L, data, size));
}

// Offset 0, 32 bytes. Bytes 0..7 (magic, version, header size) keep their place in
// every version, so any reader can tell a newer file from a corrupt one.
struct FileHeader {
    uint16_t version = kVersion;
    uint16_t headerSize = kFileHeaderSize;  // blocks start here
    uint32_t flags = 0;                     // none defined in version 1; readers ignore
    bool bigEndian = false;                 // the traced kernel's (informational copy)
    uint8_t longSize = 8;                   // informational copy of TraceMeta::longSize
    uint32_t pageSize = 4096;               // informational copy of TraceMeta::pageSize
    uint32_t crc = 0;                       // CRC-32 of bytes 0..27

    void encode(uint8_t* out) const {
        std::memset(out, 0, kFileHeaderSize);
        std::memcpy(out, kFileMagic, 4);
        store16(out + 4, version);
        store16(out + 6, headerSize);
        store32(out + 8, flags);
        out[12] = bigEndian ? 1 : 0;
        out[13] = longSize;
        store32(out + 16, pageSize);
        store32(out + 28, ktr::crc(out, 28));
    }
    static FileHeader decode(const uint8_t* in) {
        FileHeader h;
        h.version = load16(in + 4, false);
        h.headerSize = load16(in + 6, false);
        h.flags = load32(in + 8, false);
        h.bigEndian = in[12] != 0;
        h.longSize = in[13];
        h.pageSize = load32(in + 16, false);
        h.crc = load32(in + 28, false);
        return h;
    }
};

// 64 bytes before every block's payload.
struct BlockHeader {
    BlockKind kind = BlockKind::Pages;
    uint8_t codec = 0;  // kestrel::Codec: 0 none, 1 zstd
    uint16_t headerSize = kBlockHeaderSize;
    uint32_t flags = 0;
    uint32_t cpu = 0;    // global CPU index (TraceMeta::cpus); 0 for other kinds
    uint32_t csize = 0;  // payload bytes in the file
    uint32_t usize = 0;  // payload bytes once decompressed
    uint64_t tFirst = 0;
    uint64_t tLast = 0;
    uint32_t events = 0;      // index block: number of entries
    uint32_t payloadCrc = 0;  // CRC-32 of the csize payload bytes as stored
    uint64_t lost = 0;
    uint32_t crc = 0;  // CRC-32 of header bytes 0..59

    void encode(uint8_t* out) const {
        std::memset(out, 0, kBlockHeaderSize);
        std::memcpy(out, kBlockMagic, 4);
        out[4] = static_cast<uint8_t>(kind);
        out[5] = codec;
        store16(out + 6, headerSize);
        store32(out + 8, flags);
        store32(out + 12, cpu);
        store32(out + 16, csize);
        store32(out + 20, usize);
        store64(out + 24, tFirst);
        store64(out + 32, tLast);
        store32(out + 40, events);
        store32(out + 44, payloadCrc);
        store64(out + 48, lost);
        store32(out + 60, ktr::crc(out, 60));
    }
    static BlockHeader decode(const uint8_t* in) {
        BlockHeader h;
        h.kind = static_cast<BlockKind>(in[4]);
        h.codec = in[5];
        h.headerSize = load16(in + 6, false);
        h.flags = load32(in + 8, false);
        h.cpu = load32(in + 12, false);
        h.csize = load32(in + 16, false);
        h.usize = load32(in + 20, false);
        h.tFirst = load64(in + 24, false);
        h.tLast = load64(in + 32, false);
        h.events = load32(in + 40, false);
        h.payloadCrc = load32(in + 44, false);
        h.lost = load64(in + 48, false);
        h.crc = load32(in + 60, false);
        return h;
    }
    static bool valid(const uint8_t* in) {
        return std::memcmp(in, kBlockMagic, 4) == 0 && load32(in + 60, false) == ktr::crc(in, 60) &&
               load16(in + 6, false) == kBlockHeaderSize;
    }
};

// One page block in the index block's payload: 56 bytes.
struct IndexEntry {
    uint64_t blockOffset = 0;  // file offset of the block header
    uint32_t csize = 0;
    uint32_t usize = 0;
    uint32_t cpu = 0;
    uint8_t codec = 0;
    uint32_t flags = 0;  // the block header's flags (low 16 bits)
    uint64_t tFirst = 0;
    uint64_t tLast = 0;
    uint32_t events = 0;
    uint64_t lost = 0;

    void encode(uint8_t* out) const {
        std::memset(out, 0, kIndexEntrySize);
        store64(out, blockOffset);
        store32(out + 8, csize);
        store32(out + 12, usize);
        store32(out + 16, cpu);
        out[20] = codec;
        store16(out + 22, static_cast<uint16_t>(flags));
        store64(out + 24, tFirst);
        store64(out + 32, tLast);
        store32(out + 40, events);
        store64(out + 48, lost);
    }
    static IndexEntry decode(const uint8_t* in) {
        IndexEntry e;
        e.blockOffset = load64(in, false);
        e.csize = load32(in + 8, false);
        e.usize = load32(in + 12, false);
        e.cpu = load32(in + 16, false);
        e.codec = in[20];
        e.flags = load16(in + 22, false);
        e.tFirst = load64(in + 24, false);
        e.tLast = load64(in + 32, false);
        e.events = load32(in + 40, false);
        e.lost = load64(in + 48, false);
        return e;
    }
};

// The last 40 bytes of a finished file.
struct Footer {
    uint64_t metaOffset = 0;   // block offset of the late (authoritative) metadata block
    uint64_t indexOffset = 0;  // block offset of the index block
    uint64_t frameCount = 0;

    void encode(uint8_t* out) const {
        std::memset(out, 0, kFooterSize);
        std::memcpy(out, kFooterMagic, 4);
        store32(out + 4, kFooterSize);
        store64(out + 8, metaOffset);
        store64(out + 16, indexOffset);
        store64(out + 24, frameCount);
        store32(out + 36, ktr::crc(out, 36));
    }
    static Footer decode(const uint8_t* in) {
        Footer f;
        f.metaOffset = load64(in + 8, false);
        f.indexOffset = load64(in + 16, false);
        f.frameCount = load64(in + 24, false);
        return f;
    }
    static bool valid(const uint8_t* in) {
        return std::memcmp(in, kFooterMagic, 4) == 0 && load32(in + 4, false) == kFooterSize &&
               load32(in + 36, false) == ktr::crc(in, 36);
    }
};

}  // namespace kestrel::ktr
