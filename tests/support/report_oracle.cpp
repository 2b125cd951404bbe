#include "support/report_oracle.h"

#include <regex>
#include <sstream>

#include "support/process.h"

namespace kestrel::test {

bool haveTraceCmd() {
    return haveProgram("trace-cmd");
}

std::vector<ReportLine> reportLines(const std::string& file, const std::string& extraArgs,
                                    bool latency) {
    std::vector<ReportLine> lines;
    if (!haveTraceCmd()) return lines;
    auto r = run("trace-cmd report " + std::string(latency ? "-l " : "") + extraArgs + " -i " +
                 shellQuote(file) + " 2>/dev/null");
    // [instance: ]comm-pid [cpu] time: event: <pad>info   (trace-read.c, event-parse.c);
    // instance names are right-aligned to the longest one.
    static const std::regex normal(
        R"(^\s*(?:(\S+): )?\s*(.+)-(\d+)\s+\[(\d+)\]\s+(\d+(?:\.\d+)?): (\S+):( *)(.*)$)");
    // latency: comm-pid <spaces> CPUflags time: event: info
    static const std::regex lat(
        R"(^\s*(?:(\S+): )?\s*(.+)-(\d+)\s+(\d+)(\S+)\s+(\d+(?:\.\d+)?): (\S+):( *)(.*)$)");
    std::istringstream in(r.out);
    std::string s;
    std::smatch m;
    while (std::getline(in, s)) {
        ReportLine l;
        size_t k = 0;
        if (latency) {
            if (!std::regex_match(s, m, lat)) continue;
            l.buffer = m[1];
            l.task = m[2];
            l.pid = std::stoi(m[3]);
            l.cpu = std::stoi(m[4]);
            l.flags = m[5];
            k = 6;
        } else {
            if (!std::regex_match(s, m, normal)) continue;
            l.buffer = m[1];
            l.task = m[2];
            l.pid = std::stoi(m[3]);
            l.cpu = std::stoi(m[4]);
            k = 5;
        }
        l.time = m[k];
        l.event = m[k + 1];
        // print_event_name: " %s: " padded to 20 columns after the name.
        std::string pad = m[k + 2];
        size_t want = l.event.size() < 20 ? 21 - l.event.size() : 1;
        l.info =
            pad.size() > want ? pad.substr(want) + std::string(m[k + 3]) : std::string(m[k + 3]);
        lines.push_back(std::move(l));
    }
    return lines;
}

}  // namespace kestrel::test
