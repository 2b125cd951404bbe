// libFuzzer target: the trace-cmd trace.dat importer (v6 and v7 headers, options, sections,
// compressed chunks) and the model on top of it.
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    kestrel::fuzz::MemFile file(data, size);
    if (file.ok()) kestrel::fuzz::walkAll(kestrel::openTraceDat(file.path()));
    return 0;
}
