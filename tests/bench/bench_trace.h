#pragma once
// What every benchmark starts from: the trace named by KESTREL_BENCH_TRACE (a big
// recorded trace, see docs/performance.md) or a fixture, opened once.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "support/test_data.h"

namespace kestrel::bench {

inline std::string tracePath(const std::string& fixture) {
    const char* env = std::getenv("KESTREL_BENCH_TRACE");
    return env ? env : test::dataPath(fixture);
}

// A benchmark without its trace measures nothing: stop loudly.
template <typename T>
T orAbort(Result<T> result, const char* what) {
    if (!result) {
        std::fprintf(stderr, "%s: %s\n", what, result.message().c_str());
        std::abort();
    }
    return std::move(result.value());
}

inline std::unique_ptr<TraceModel> openTrace(const std::string& fixture) {
    return orAbort(TraceModel::open(tracePath(fixture)), "open");
}

inline std::unique_ptr<EventFormats> formatsFor(const TraceModel& model) {
    return orAbort(EventFormats::create(model.meta()), "formats");
}

}  // namespace kestrel::bench
