#include "option_values.h"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>

namespace kestrel::cli {

CLI::Option* valued(CLI::App& app, const std::string& names, const std::string& type,
                    const std::string& help, std::function<void(const std::string&)> set) {
    return app.add_option_function<std::string>(names, std::move(set), help)
        ->type_name(type)
        ->trigger_on_parse();
}

long long wholeNumber(const std::string& option, const std::string& value, long long lo,
                      long long hi, const std::string& what) {
    char* end = nullptr;
    errno = 0;
    long long n = value.empty() ? 0 : std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || errno != 0 || *end != '\0' || n < lo || n > hi) {
        throw CLI::ValidationError(option, "expected " + what + " (" + std::to_string(lo) + " to " +
                                               std::to_string(hi) + "), got '" + value + "'");
    }
    return n;
}

TimeBound timeBound(const std::string& option, const std::string& value) {
    TimeBound b;
    b.text = value;
    if (!parseSeconds(value, b.ns, &b.decimals)) {
        throw CLI::ValidationError(option, "expected seconds like 12.345678, got '" + value + "'");
    }
    return b;
}

void checkCpuSpec(const std::string& option, const std::string& value) {
    auto colon = value.rfind(':');
    std::string number = colon == std::string::npos ? value : value.substr(colon + 1);
    bool digits = !number.empty() && number.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || number.size() > 10 || std::stoull(number) > UINT32_MAX) {
        throw CLI::ValidationError(option,
                                   "expected a CPU number N or BUFFER:N, got '" + value + "'");
    }
}

}  // namespace kestrel::cli
