// KtrReader on damaged files: truncation at every offset, flipped bytes everywhere,
// forged sizes with valid CRCs, hand-built metadata with odd records, newer versions.
// The reader must give a clear error or recover what is whole, and never crash.
#include <gtest/gtest.h>
#include <zstd.h>

#include <fstream>
#include <map>

#include "ktr/ktr_layout.h"
#include "ktr/ktr_reader.h"
#include "ktr/ktr_writer.h"
#include "support/page_writer.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

using Bytes = std::vector<uint8_t>;
using test::PageWriter;

void writeFile(const std::string& path, const Bytes& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

TraceMeta sampleMeta(const std::string& cmdlines) {
    TraceMeta m;
    m.headerPage = test::readText(test::dataPath("pages/header_page"));
    m.headerEvent = test::readText(test::dataPath("pages/header_event"));
    m.formats.push_back({"sched", test::readText(test::dataPath("pages/sched_switch.format"))});
    m.savedCmdlines = cmdlines;
    m.buffers.push_back({"", "local", 4096});
    m.cpus = {{0, 0, 0, 0}, {0, 1, 0, 0}};
    return m;
}

// A finished file of six two-page frames on two CPUs, and where its blocks are.
struct Sample {
    std::string dir;
    Bytes bytes;
    FrameIndex frames;
    std::map<uint64_t, Bytes> pagesAt;  // frame payload offset -> its raw pages
    uint64_t firstMetaEnd = 0;
    ktr::Footer footer;
};

Sample writeSample(const std::string& tag) {
    Sample s;
    s.dir = test::tempDir(tag);
    std::string path = s.dir + "/full.ktr";
    auto w = KtrWriter::create(path, sampleMeta("1 first\n"));
    EXPECT_TRUE(w) << w.message();
    for (uint32_t i = 0; i < 6; ++i) {
        PageWriter a, b;
        a.timestamp(i * 100)
            .event(1, PageWriter::payload(uint16_t(i), 1, 40))
            .event(2, PageWriter::payload(3, 4, 200));
        b.timestamp(i * 100 + 50).event(1, PageWriter::payload(uint16_t(i), 2, 12)).missed(i);
        Bytes pages = test::joinPages({a.bytes(), b.bytes()});
        EXPECT_TRUE((*w)->appendPages(i % 2, pages.data(), pages.size()));
        s.pagesAt[(*w)->frames().back().offset] = pages;
    }
    s.frames = (*w)->frames();
    (*w)->updateMeta(sampleMeta("1 first\n2 late\n"));
    EXPECT_TRUE((*w)->finish());
    s.bytes = test::readBytes(path);
    s.firstMetaEnd = s.frames[0].offset - ktr::kBlockHeaderSize;
    s.footer = ktr::Footer::decode(s.bytes.data() + s.bytes.size() - ktr::kFooterSize);
    return s;
}

uint64_t lateMetaEnd(const Sample& s) {
    return s.footer.indexOffset;
}

// Opens `bytes` as a file; when it opens, checks every frame that reads back against
// the pages written at that offset (CRC-32 catches every single-byte error).
Result<std::unique_ptr<KtrReader>> openBytes(const Sample& s, const Bytes& bytes) {
    std::string path = s.dir + "/damaged.ktr";
    writeFile(path, bytes);
    auto r = KtrReader::open(path);
    if (!r) return r;
    std::vector<uint8_t> out;
    for (size_t i = 0; i < (*r)->frames().size(); ++i) {
        if (!(*r)->readFrame(i, out)) continue;
        auto it = s.pagesAt.find((*r)->frames()[i].offset);
        EXPECT_TRUE(it != s.pagesAt.end() && it->second == out) << "frame " << i;
    }
    return r;
}

void refreshBlockCrc(Bytes& b, uint64_t at) {
    store32(&b[at + 60], ktr::crc(&b[at], 60));
}
Bytes withoutFooter(const Sample& s) {
    return Bytes(s.bytes.begin(), s.bytes.end() - ktr::kFooterSize);
}
uint64_t blockOf(const FrameRef& f) {
    return f.offset - ktr::kBlockHeaderSize;
}

TEST(KtrCorruption, TruncationAtAnyOffsetKeepsTheWholeFramesBeforeTheCut) {
    Sample s = writeSample("ktrc-cut");
    for (size_t cut = 0; cut <= s.bytes.size(); ++cut) {
        SCOPED_TRACE("cut at " + std::to_string(cut));
        auto r = openBytes(s, Bytes(s.bytes.begin(), s.bytes.begin() + long(cut)));
        if (cut < s.firstMetaEnd) {
            ASSERT_FALSE(r);
            if (cut >= 4) {
                EXPECT_NE(r.message().find("truncated"), std::string::npos) << r.message();
            }
            continue;
        }
        ASSERT_TRUE(r) << r.message();
        size_t whole = 0;
        for (const FrameRef& f : s.frames) whole += f.offset + f.csize <= cut ? 1 : 0;
        EXPECT_EQ((*r)->frames().size(), whole);
        EXPECT_EQ((*r)->recovered(), cut != s.bytes.size());
        EXPECT_EQ((*r)->meta().savedCmdlines,
                  cut >= lateMetaEnd(s) ? "1 first\n2 late\n" : "1 first\n");
    }
}

TEST(KtrCorruption, CutInsideTheFirstMetadataIsAClearError) {
    Sample s = writeSample("ktrc-cutmeta");
    auto r = openBytes(s, Bytes(s.bytes.begin(), s.bytes.begin() + long(s.firstMetaEnd) - 1));
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("offset 32: truncated file"), std::string::npos) << r.message();
}

TEST(KtrCorruption, FlippedByteAnywhereGivesAnErrorOrCheckedData) {
    Sample s = writeSample("ktrc-flip");
    for (size_t at = 0; at < s.bytes.size(); ++at) {
        SCOPED_TRACE("flipped byte " + std::to_string(at));
        Bytes b = s.bytes;
        b[at] ^= 0x5a;
        auto r = openBytes(s, b);
        if (!r) {
            EXPECT_EQ(r.message().rfind(s.dir + "/damaged.ktr: ", 0), 0u) << r.message();
        } else if (!(*r)->recovered()) {
            EXPECT_EQ((*r)->meta().savedCmdlines, "1 first\n2 late\n");
        }
    }
}

TEST(KtrCorruption, FlippedFileHeaderByteIsAHeaderCrcError) {
    Sample s = writeSample("ktrc-hdr");
    Bytes b = s.bytes;
    b[16] ^= 1;  // page size copy
    auto r = openBytes(s, b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("file header CRC mismatch"), std::string::npos) << r.message();
}

TEST(KtrCorruption, FlippedMagicIsNotAKtrFile) {
    Sample s = writeSample("ktrc-magic");
    Bytes b = s.bytes;
    b[1] ^= 1;
    auto r = openBytes(s, b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("not a .ktr file"), std::string::npos) << r.message();
}

TEST(KtrCorruption, NewerVersionIsAClearError) {
    Sample s = writeSample("ktrc-version");
    Bytes b = s.bytes;
    store16(&b[4], 2);
    store32(&b[28], ktr::crc(b.data(), 28));
    auto r = openBytes(s, b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.message(), s.dir +
                               "/damaged.ktr: made by a newer Kestrel: version 2, "
                               "this reader knows up to 1");
}

TEST(KtrCorruption, VersionZeroIsInvalid) {
    Sample s = writeSample("ktrc-version0");
    Bytes b = s.bytes;
    store16(&b[4], 0);
    auto r = openBytes(s, b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("invalid version 0"), std::string::npos) << r.message();
}

TEST(KtrCorruption, FlippedFrameHeaderFailsOnlyThatFrame) {
    Sample s = writeSample("ktrc-framehdr");
    Bytes b = s.bytes;
    b[blockOf(s.frames[2]) + 20] ^= 1;
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    EXPECT_FALSE((*r)->recovered());
    std::vector<uint8_t> out;
    Status st = (*r)->readFrame(2, out);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("offset " + std::to_string(blockOf(s.frames[2])) +
                                ": block header CRC mismatch"),
              std::string::npos)
        << st.message();
    EXPECT_TRUE((*r)->readFrame(3, out));
}

TEST(KtrCorruption, FlippedFrameHeaderWithoutFooterRecoversTheFramesBeforeIt) {
    Sample s = writeSample("ktrc-framehdr2");
    Bytes b = withoutFooter(s);
    b[blockOf(s.frames[2]) + 30] ^= 1;
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE((*r)->recovered());
    EXPECT_EQ((*r)->frames().size(), 2u);
    EXPECT_NE((*r)->recoveryReason().find("block header CRC mismatch"), std::string::npos);
}

TEST(KtrCorruption, FlippedPayloadByteFailsThatFrameNamingItsOffset) {
    Sample s = writeSample("ktrc-payload");
    Bytes b = s.bytes;
    b[s.frames[4].offset + s.frames[4].csize / 2] ^= 0x80;
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    std::vector<uint8_t> out;
    Status st = (*r)->readFrame(4, out);
    ASSERT_FALSE(st);
    EXPECT_NE(
        st.message().find(s.dir + "/damaged.ktr: offset " + std::to_string(s.frames[4].offset) +
                          ": block payload CRC mismatch"),
        std::string::npos)
        << st.message();
}

TEST(KtrCorruption, DamagedLastFramePayloadWithoutFooterIsDropped) {
    Sample s = writeSample("ktrc-lastpayload");
    // Cut right after the last frame, then damage its payload: a torn final write.
    const FrameRef& last = s.frames.back();
    Bytes b(s.bytes.begin(), s.bytes.begin() + long(last.offset + last.csize));
    b[last.offset + 3] ^= 0xff;
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ((*r)->frames().size(), s.frames.size() - 1);
}

TEST(KtrCorruption, FlippedFooterByteRecoversEverything) {
    Sample s = writeSample("ktrc-footer");
    Bytes b = s.bytes;
    b[b.size() - 20] ^= 1;
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE((*r)->recovered());
    EXPECT_EQ((*r)->frames().size(), s.frames.size());
    EXPECT_EQ((*r)->meta().savedCmdlines, "1 first\n2 late\n");
    EXPECT_NE((*r)->recoveryReason().find("footer CRC mismatch"), std::string::npos);
}

TEST(KtrCorruption, FlippedIndexByteRecoversEverything) {
    Sample s = writeSample("ktrc-index");
    Bytes b = s.bytes;
    b[s.footer.indexOffset + ktr::kBlockHeaderSize + 9] ^= 1;
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE((*r)->recovered());
    EXPECT_EQ((*r)->frames().size(), s.frames.size());
}

TEST(KtrCorruption, FlippedLateMetadataFallsBackToTheFirst) {
    Sample s = writeSample("ktrc-latemeta");
    Bytes b = s.bytes;
    b[s.footer.metaOffset + ktr::kBlockHeaderSize + 5] ^= 1;
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE((*r)->recovered());
    EXPECT_EQ((*r)->frames().size(), s.frames.size());
    EXPECT_EQ((*r)->meta().savedCmdlines, "1 first\n");
}

TEST(KtrCorruption, FlippedFirstMetadataWithoutFooterIsAClearError) {
    Sample s = writeSample("ktrc-firstmeta");
    Bytes b = withoutFooter(s);
    b[ktr::kFileHeaderSize + ktr::kBlockHeaderSize + 7] ^= 1;
    auto r = openBytes(s, b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("offset 96: block payload CRC mismatch"), std::string::npos)
        << r.message();
}

// Sizes that pass their CRC (a buggy or hostile writer) are still bounded.
TEST(KtrCorruption, ForgedHugeFrameSizesAreRejected) {
    Sample s = writeSample("ktrc-forge");
    for (uint32_t field : {16u, 20u}) {  // csize, usize
        Bytes b = withoutFooter(s);
        store32(&b[blockOf(s.frames[1]) + field], 0xfffffff0u);
        refreshBlockCrc(b, blockOf(s.frames[1]));
        auto r = openBytes(s, b);
        ASSERT_TRUE(r) << r.message();
        EXPECT_TRUE((*r)->recovered());
        EXPECT_EQ((*r)->frames().size(), 1u);
        EXPECT_NE(
            (*r)->recoveryReason().find(field == 16 ? "runs past the end" : "impossible sizes"),
            std::string::npos)
            << (*r)->recoveryReason();
    }
}

TEST(KtrCorruption, ForgedHugeMetadataSizeIsRejectedBeforeAllocating) {
    Sample s = writeSample("ktrc-forgemeta");
    Bytes b = withoutFooter(s);
    store32(&b[ktr::kFileHeaderSize + 20], 0xffffffffu);
    refreshBlockCrc(b, ktr::kFileHeaderSize);
    auto r = openBytes(s, b);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("exceeds the maximum"), std::string::npos) << r.message();
}

// Under the 256 MiB cap but more than the compressed bytes hold: it was allocated before
// decompression failed. Frames the same, below their 64 MiB cap.
TEST(KtrCorruption, ForgedSizesAboveWhatTheDataHoldsAreRejectedBeforeAllocating) {
    Sample s = writeSample("ktrc-forgebound");
    Bytes meta = withoutFooter(s);
    store32(&meta[ktr::kFileHeaderSize + 20], 200u << 20);
    refreshBlockCrc(meta, ktr::kFileHeaderSize);
    auto r = openBytes(s, meta);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("block claims 209715200 bytes, more than its zstd data holds"),
              std::string::npos)
        << r.message();

    Bytes frame = withoutFooter(s);  // the index is rebuilt from this block header
    const uint64_t block = blockOf(s.frames[1]);
    store32(&frame[block + 20], 60u << 20);
    refreshBlockCrc(frame, block);
    writeFile(s.dir + "/forged.ktr", frame);
    auto opened = KtrReader::open(s.dir + "/forged.ktr");
    ASSERT_TRUE(opened) << opened.message();
    ASSERT_GE((*opened)->frames().size(), 2u);
    std::vector<uint8_t> out;
    Status st = (*opened)->readFrame(1, out);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("block claims 62914560 bytes"), std::string::npos) << st.message();
    EXPECT_LT(out.capacity(), 1u << 20);
}

TEST(KtrCorruption, ForgedIndexEntryOutsideTheFileRecoversByScanning) {
    Sample s = writeSample("ktrc-forgeindex");
    Bytes b = s.bytes;
    uint64_t payload = s.footer.indexOffset + ktr::kBlockHeaderSize;
    store64(&b[payload + ktr::kIndexEntrySize], uint64_t{1} << 62);  // entry 1's block offset
    store32(&b[s.footer.indexOffset + 44],
            ktr::crc(&b[payload], s.frames.size() * ktr::kIndexEntrySize));
    refreshBlockCrc(b, s.footer.indexOffset);
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE((*r)->recovered());
    EXPECT_EQ((*r)->frames().size(), s.frames.size());
    EXPECT_NE((*r)->recoveryReason().find("outside the data area"), std::string::npos);
}

TEST(KtrCorruption, ForgedFrameCountInFooterRecoversByScanning) {
    Sample s = writeSample("ktrc-forgecount");
    Bytes b = s.bytes;
    uint8_t* footer = &b[b.size() - ktr::kFooterSize];
    store64(footer + 24, uint64_t{1} << 60);
    store32(footer + 36, ktr::crc(footer, 36));
    auto r = openBytes(s, b);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE((*r)->recovered());
    EXPECT_EQ((*r)->frames().size(), s.frames.size());
}

TEST(KtrCorruption, EmptyFileIsNotAKtrFile) {
    Sample s = writeSample("ktrc-empty");
    auto r = openBytes(s, {});
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("not a .ktr file"), std::string::npos) << r.message();
}

// ---- Hand-built files: records and blocks the writer never makes. ----

Bytes tlv(uint32_t tag, const Bytes& value) {
    Bytes out(8);
    store32(out.data(), tag);
    store32(out.data() + 4, uint32_t(value.size()));
    out.insert(out.end(), value.begin(), value.end());
    return out;
}
Bytes tlv(uint32_t tag, const std::string& s) {
    return tlv(tag, Bytes(s.begin(), s.end()));
}
Bytes u32(uint32_t v) {
    Bytes b(4);
    store32(b.data(), v);
    return b;
}
Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes block(ktr::BlockKind kind, const Bytes& payload, bool compress) {
    Bytes stored = payload;
    if (compress) {
        stored.resize(ZSTD_compressBound(payload.size()));
        stored.resize(
            ZSTD_compress(stored.data(), stored.size(), payload.data(), payload.size(), 3));
    }
    ktr::BlockHeader h;
    h.kind = kind;
    h.codec = compress ? 1 : 0;
    h.csize = uint32_t(stored.size());
    h.usize = uint32_t(payload.size());
    h.payloadCrc = ktr::crc(stored.data(), stored.size());
    Bytes out(ktr::kBlockHeaderSize);
    h.encode(out.data());
    out.insert(out.end(), stored.begin(), stored.end());
    return out;
}

Bytes fileWithMeta(const Bytes& records, const Bytes& after = {}) {
    Bytes header(ktr::kFileHeaderSize);
    ktr::FileHeader().encode(header.data());
    return cat({header, block(ktr::BlockKind::Metadata, records, true), after});
}

Result<std::unique_ptr<KtrReader>> openHandBuilt(const std::string& tag, const Bytes& bytes) {
    std::string path = test::tempDir(tag) + "/hand.ktr";
    writeFile(path, bytes);
    return KtrReader::open(path);
}

const Bytes kOneCpu = cat({tlv(ktr::tag::kBuffer, tlv(ktr::tag::kBufferName, std::string("x"))),
                           tlv(ktr::tag::kCpu, tlv(ktr::tag::kCpuNumber, u32(7)))});

TEST(KtrCorruption, UnknownTagsAndBlockKindsAreSkipped) {
    Bytes page = PageWriter().timestamp(9).event(1, PageWriter::payload(1, 1, 8)).bytes();
    auto frame = KtrWriter::compressFrame(0, page.data(), page.size(), PageFormat{});
    ASSERT_TRUE(frame) << frame.message();
    ktr::BlockHeader h;
    h.codec = 1;
    h.csize = frame->ref.csize;
    h.usize = frame->ref.usize;
    h.payloadCrc = ktr::crc(frame->bytes.data(), frame->bytes.size());
    Bytes pageBlock(ktr::kBlockHeaderSize);
    h.encode(pageBlock.data());
    pageBlock.insert(pageBlock.end(), frame->bytes.begin(), frame->bytes.end());
    Bytes records = cat({tlv(999, std::string("from the future")),
                         tlv(ktr::tag::kUname, std::string("Linux k")), kOneCpu});
    Bytes unknownBlock = block(static_cast<ktr::BlockKind>(9), Bytes(100, 0xab), false);
    auto r = openHandBuilt("ktrc-unknown", fileWithMeta(records, cat({unknownBlock, pageBlock})));
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE((*r)->recovered());
    EXPECT_EQ((*r)->meta().uname, "Linux k");
    ASSERT_EQ((*r)->meta().cpus.size(), 1u);
    EXPECT_EQ((*r)->meta().cpus[0].cpu, 7u);
    ASSERT_EQ((*r)->frames().size(), 1u);
    std::vector<uint8_t> out;
    ASSERT_TRUE((*r)->readFrame(0, out));
    EXPECT_EQ(out, page);
}

TEST(KtrCorruption, RecordLengthPastItsBlockIsAnError) {
    Bytes bad = tlv(ktr::tag::kUname, std::string("abc"));
    store32(bad.data() + 4, 1000);
    auto r = openHandBuilt("ktrc-tlvlen", fileWithMeta(bad));
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("length 1000 runs past the end"), std::string::npos) << r.message();
}

TEST(KtrCorruption, NestedRecordLengthPastItsRecordIsAnError) {
    Bytes inner = tlv(ktr::tag::kFormatText, std::string("name: x"));
    store32(inner.data() + 4, 0xffffffffu);
    auto r = openHandBuilt("ktrc-nested", fileWithMeta(tlv(ktr::tag::kFormat, inner)));
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("format: "), std::string::npos) << r.message();
}

TEST(KtrCorruption, ZeroLengthFixedWidthFieldIsAnError) {
    auto r = openHandBuilt("ktrc-zerofixed", fileWithMeta(tlv(ktr::tag::kLongSize, Bytes{})));
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("length 0, expected 4"), std::string::npos) << r.message();
}

TEST(KtrCorruption, ZeroLengthStringFieldIsEmpty) {
    auto r = openHandBuilt(
        "ktrc-zerostr",
        fileWithMeta(cat({tlv(ktr::tag::kUname, Bytes{}), tlv(ktr::tag::kKallsyms, Bytes{})})));
    ASSERT_TRUE(r) << r.message();
    EXPECT_EQ((*r)->meta().uname, "");
    EXPECT_EQ((*r)->meta().kallsyms, "");
}

TEST(KtrCorruption, CpuNamingAMissingBufferIsAnError) {
    Bytes cpu = tlv(ktr::tag::kCpu, tlv(ktr::tag::kCpuBuffer, u32(5)));
    auto r = openHandBuilt("ktrc-cpubuf", fileWithMeta(cpu));
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("names buffer 5"), std::string::npos) << r.message();
}

TEST(KtrCorruption, FrameBeforeAnyMetadataIsAnError) {
    Bytes header(ktr::kFileHeaderSize);
    ktr::FileHeader().encode(header.data());
    auto r = openHandBuilt("ktrc-nometa",
                           cat({header, block(ktr::BlockKind::Pages, Bytes(4096), false)}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("frame before metadata"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace kestrel
