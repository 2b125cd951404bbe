#pragma once
// Writes any opened trace (trace.dat or .ktr) as a .ktr: the raw pages are kept byte for
// byte, regrouped per CPU into frames of KtrWriter::kDefaultPagesPerFrame, compressed on
// every core and appended in order. Works on the source alone (no decoding model), so
// .ktr writing sits below the model that reads it.
#include <string>
#include <vector>

#include "base/status.h"
#include "base/trace_source.h"

namespace kestrel {

struct ConvertStats {
    uint64_t pages = 0;
    uint64_t frames = 0;
    uint64_t bytesWritten = 0;
    // Frames and pages of the input that could not be read and were left out, one line
    // each saying where and how much; the rest of the trace is converted.
    std::vector<std::string> skipped;
};

// `outPath` is replaced only once the whole file is written (KtrWriter::Mode::kReplace):
// on failure it is left as it was, and no partial file remains.
Result<ConvertStats> convertToKtr(const TraceSource& source, const std::string& outPath,
                                  unsigned threads = 0);

}  // namespace kestrel
