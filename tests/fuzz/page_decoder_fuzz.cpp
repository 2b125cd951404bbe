// libFuzzer target: one ring-buffer page. The first byte picks the layout the kernel
// could have: long size 4 or 8, little or big endian, page size 4 KiB or a larger sub-buffer.
#include <vector>

#include "ring/page_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    kestrel::PageFormat format;
    format.commitSize = (data[0] & 1) ? 4 : 8;
    format.dataOffset = 8 + format.commitSize;
    format.bigEndian = (data[0] & 2) != 0;
    format.pageSize = (data[0] & 4) ? 8192 : 4096;
    // Copy so that reading past the input is caught by ASan rather than hidden.
    std::vector<uint8_t> page(data + 1, data + size);
    kestrel::PageReader reader;
    if (!reader.load(page.data(), static_cast<uint32_t>(page.size()), format).ok()) return 0;
    kestrel::RawEvent ev;
    uint64_t sum = 0;
    while (reader.next(ev)) {
        for (uint32_t i = 0; i < ev.size; ++i) sum += ev.data[i];  // touch every byte
    }
    asm volatile("" : : "r"(sum));
    return 0;
}
