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

Result<ConvertStats> convertToKtr(const TraceModel& model, const std::string& outPath,
                                  unsigned threads = 0);

}  // namespace kestrel
