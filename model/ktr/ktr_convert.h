#pragma once
// Writes any opened trace (trace.dat or .ktr) as a .ktr: the raw pages are kept
// byte for byte, regrouped per CPU into frames of KtrWriter::kDefaultPagesPerFrame,
// compressed on every core and appended in order.
#include <string>

#include "base/status.h"
#include "decode/trace_model.h"

namespace kestrel {

struct ConvertStats {
    uint64_t pages = 0;
    uint64_t frames = 0;
    uint64_t bytesWritten = 0;
};

// `outPath` is replaced only once the whole file is written (KtrWriter::Mode::kReplace):
// on failure it is left as it was, and no partial file remains.
Result<ConvertStats> convertToKtr(const TraceModel& model, const std::string& outPath,
                                  unsigned threads = 0);

}  // namespace kestrel
