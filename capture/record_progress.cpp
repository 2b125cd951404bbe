#include "record_progress.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <sstream>

namespace kestrel {
namespace {

constexpr const char* kTag = "ktr-status";

}  // namespace

RecordProgress progressOf(const RecordStatus& status) {
    RecordProgress p;
    p.elapsedSec = status.elapsedSec;
    p.error = status.error;
    for (size_t c = 0; c < status.cpus.size(); ++c) {
        const RecordCpuStatus& s = status.cpus[c];
        const uint64_t overrun = c < status.overrun.size() ? status.overrun[c] : 0;
        p.cpus.push_back({static_cast<uint32_t>(c), s.events, s.rawBytes, s.compressedBytes,
                          std::max(s.lost, overrun)});
    }
    return p;
}

std::string formatProgress(const RecordProgress& progress) {
    char word[128];
    std::snprintf(word, sizeof word, "%s elapsed %.3f", kTag, progress.elapsedSec);
    std::string line = word;
    for (const RecordProgress::Cpu& c : progress.cpus) {
        std::snprintf(word, sizeof word,
                      " cpu %" PRIu32 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, c.cpu,
                      c.events, c.rawBytes, c.compressedBytes, c.lost);
        line += word;
    }
    if (!progress.error.empty()) {
        std::string error = progress.error;
        std::replace(error.begin(), error.end(), '\n', ' ');  // one line, whatever it says
        line += " error " + error;
    }
    return line;
}

std::optional<RecordProgress> parseProgress(const std::string& line) {
    std::istringstream in(line);
    std::string word;
    RecordProgress p;
    if (!(in >> word) || word != kTag || !(in >> word) || word != "elapsed" ||
        !(in >> p.elapsedSec))
        return std::nullopt;
    while (in >> word) {
        if (word == "error") {
            std::getline(in >> std::ws, p.error);
            if (p.error.empty()) return std::nullopt;
            break;
        }
        RecordProgress::Cpu c;
        if (word != "cpu" ||
            !(in >> c.cpu >> c.events >> c.rawBytes >> c.compressedBytes >> c.lost))
            return std::nullopt;
        p.cpus.push_back(c);
    }
    return p;
}

}  // namespace kestrel
