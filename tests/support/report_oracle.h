#pragma once
// `trace-cmd report` as a test oracle: runs it and splits its event lines into the
// table's columns.
#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::test {

struct ReportLine {
    std::string buffer;  // the instance a line of a multi-buffer trace names, else ""
    std::string task;
    int32_t pid = 0;
    int cpu = 0;
    std::string flags;  // only with latency format (-l)
    std::string time;   // "1403.839642"
    std::string event;
    std::string info;
};

// Event lines of `trace-cmd report [extraArgs] -i file` (header and lost-event lines
// dropped). `latency` adds -l and fills `flags`. Empty when trace-cmd is missing.
std::vector<ReportLine> reportLines(const std::string& file, const std::string& extraArgs = "",
                                    bool latency = false);
bool haveTraceCmd();

}  // namespace kestrel::test
