// libFuzzer target: the .ktr reader (header, metadata TLVs, index, recovery scan) and the
// model on top of it. Any input must give an error or a trace, never a crash or a hang.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kestrel::fuzz::MemFile file(data, size);
    if (file.ok()) kestrel::fuzz::walkAll(kestrel::openKtr(file.path()));
    return 0;
}
