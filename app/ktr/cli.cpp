#include "cli.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kestrel::cli {

int inputError(const std::string& message) {
    std::fprintf(stderr, "ktr: %s\n", message.c_str());
    return kBadInput;
}

namespace {

int g_outErrno = 0;  // errno of the first failed write to standard output

}  // namespace

bool writeOut(const void* data, size_t size) {
    errno = 0;
    if (std::fwrite(data, 1, size, stdout) == size) return true;
    if (!g_outErrno) g_outErrno = errno ? errno : EIO;
    return false;
}

int finishOutput(int code) {
    errno = 0;
    bool flushed = std::fflush(stdout) == 0;
    int flushErrno = errno;
    if (flushed && !std::ferror(stdout)) return code;
    // stdio keeps no errno of its own: the first failed write's, else the flush's.
    int why = g_outErrno ? g_outErrno : flushErrno ? flushErrno : EIO;
    std::fprintf(stderr, "ktr: write to standard output failed: %s\n", std::strerror(why));
    return code == kOk ? kBadInput : code;
}

std::string formatSeconds(uint64_t ns) {
    // Rounded to the microsecond like trace-cmd report (and ktr dump) prints timestamps.
    uint64_t us = (ns + 500) / 1000;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(us / 1000000),
                  static_cast<unsigned long long>(us % 1000000));
    return buf;
}

std::string formatBytes(uint64_t bytes) {
    char buf[48];
    if (bytes >= (1u << 20))
        std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / 1048576.0);
    else if (bytes >= 1024)
        std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    return buf;
}

bool parseSeconds(const std::string& text, uint64_t& ns, int* decimals) {
    // Decimal parse, not strtod: a timestamp copied from the dump must come back exact.
    size_t dot = text.find('.');
    std::string whole = text.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
    auto digitsOnly = [](const std::string& s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (whole.empty() || whole.size() > 10 || frac.size() > 9 || !digitsOnly(whole) ||
        !digitsOnly(frac) || (dot != std::string::npos && frac.empty())) {
        return false;
    }
    if (decimals) *decimals = static_cast<int>(frac.size());
    frac.resize(9, '0');
    ns = std::stoull(whole) * 1000000000ull + std::stoull(frac);
    return true;
}

}  // namespace kestrel::cli
