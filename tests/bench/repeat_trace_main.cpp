// repeat-trace IN OUT N [GAP_NS]: a .ktr holding N copies of IN's events one after the
// other (repeat_trace.h), for benchmarks on traces bigger than a recording gives.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/output_file.h"
#include "repeat_trace.h"

namespace {

bool parseCount(const char* text, uint64_t& out) {
    char* end = nullptr;
    out = std::strtoull(text, &end, 10);
    return *text >= '0' && *text <= '9' && *end == '\0';
}

int usage() {
    std::fprintf(stderr,
                 "usage: repeat-trace IN OUT N [GAP_NS]\n"
                 "  writes OUT (.ktr): N copies of the events of IN (.ktr or trace.dat), copy k\n"
                 "  moved k x (IN's duration + GAP_NS, default 1000000) later\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace kestrel;
    uint64_t copies = 0, gap = bench::kDefaultGap;
    if (argc < 4 || argc > 5 || !parseCount(argv[3], copies) || copies == 0 || copies > 1000 ||
        (argc == 5 && !parseCount(argv[4], gap))) {
        return usage();
    }
    if (OutputFile::sameFile(argv[1], argv[2])) {
        std::fprintf(stderr, "repeat-trace: %s is the input file\n", argv[2]);
        return 1;
    }
    auto source = openTrace(argv[1]);
    if (!source) {
        std::fprintf(stderr, "repeat-trace: %s\n", source.message().c_str());
        return 1;
    }
    auto stats = bench::repeatTrace(*source.value(), argv[2], static_cast<unsigned>(copies), gap);
    if (!stats) {
        std::fprintf(stderr, "repeat-trace: %s\n", stats.message().c_str());
        return 1;
    }
    for (const std::string& line : stats->skipped)
        std::fprintf(stderr, "warning: %s\n", line.c_str());
    std::printf(
        "%s: %llu copies, each %llu ns after the one before; %llu pages in %llu frames, "
        "%llu bytes\n",
        argv[2], static_cast<unsigned long long>(copies),
        static_cast<unsigned long long>(stats->shift),
        static_cast<unsigned long long>(stats->pages),
        static_cast<unsigned long long>(stats->frames),
        static_cast<unsigned long long>(stats->bytesWritten));
    return 0;
}
