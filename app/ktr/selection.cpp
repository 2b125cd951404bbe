#include "selection.h"

#include <cstdlib>

namespace kestrel::cli {

bool selectCpus(const TraceModel& model, const std::vector<std::string>& specs,
                std::vector<bool>& cpus, std::string& error) {
    if (specs.empty()) return true;
    cpus.assign(model.cpuCount(), false);
    for (const std::string& spec : specs) {
        auto colon = spec.rfind(':');
        std::string buffer = colon == std::string::npos ? "" : spec.substr(0, colon);
        std::string number = colon == std::string::npos ? spec : spec.substr(colon + 1);
        unsigned long n = std::strtoul(number.c_str(), nullptr, 10);  // checked when parsed
        bool any = false;
        for (size_t c = 0; c < model.cpuCount(); ++c) {
            const CpuInfo& info = model.meta().cpus[c];
            bool bufferOk =
                colon == std::string::npos || model.meta().buffers[info.buffer].name == buffer;
            if (bufferOk && info.cpu == n) cpus[c] = any = true;
        }
        if (!any) {
            error = "no CPU '" + spec + "' in this trace";
            return false;
        }
    }
    return true;
}

void printedRange(const std::optional<TimeBound>& from, const std::optional<TimeBound>& to,
                  uint64_t& lo, uint64_t& hi) {
    if (from) lo = from->decimals > 6 ? from->ns : from->ns >= 500 ? from->ns - 500 : 0;
    if (to) hi = to->decimals > 6 ? to->ns : to->ns + 499;
}

bool selectCalls(const TraceModel& model, const std::vector<std::string>& cpus,
                 const std::vector<int32_t>& pids, const std::optional<TimeBound>& from,
                 const std::optional<TimeBound>& to, CallFilter& filter, std::string& error) {
    filter.pids = pids;
    printedRange(from, to, filter.from, filter.to);
    return selectCpus(model, cpus, filter.cpus, error);
}

}  // namespace kestrel::cli
