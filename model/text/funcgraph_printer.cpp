#include "text/funcgraph_printer.h"

#include <algorithm>
#include <cstdio>

namespace kestrel {
namespace {

// trace-ftrace.c TRACE_GRAPH_INDENT
constexpr uint64_t kIndent = 2;
// A corrupt depth must not make us print gigabytes of blanks (the kernel's graph depth
// stays far below this).
constexpr int kMaxIndent = 4096;

// print_graph_overhead: the mark before a duration.
const char* overheadMark(uint64_t duration) {
    if (duration == ~0ULL) return "  ";
    if (duration > 1000000000ULL) return "$ ";
    if (duration > 1000000ULL) return "# ";
    if (duration > 100000ULL) return "! ";
    if (duration > 10000ULL) return "+ ";
    return "  ";
}

}  // namespace

FuncgraphPrinter::FuncgraphPrinter(const EventFormats& formats)
    : m_formats(formats), m_fields(formats), m_enabled(m_fields.usable()) {}

// print_graph_duration: usecs, then ".nnn" while the number is under 7 digits, " us ",
// blanks up to 7 characters, "|  ".
void FuncgraphPrinter::appendDuration(uint64_t duration, std::string& out) const {
    out += overheadMark(duration);
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(duration / 1000));
    out.append(buf, static_cast<size_t>(len));
    if (len < 7) {
        unsigned rem = static_cast<unsigned>(duration % 1000);
        out += '.';
        out += static_cast<char>('0' + rem / 100);
        out += static_cast<char>('0' + rem / 10 % 10);
        out += static_cast<char>('0' + rem % 10);
        len += 4;
    }
    out += " us ";
    if (len < 7) out.append(static_cast<size_t>(7 - len), ' ');
    out += "|  ";
}

// trace-ftrace.c: `for (i = 0; i < (int)(depth * TRACE_GRAPH_INDENT); i++)`, the depth
// read as an unsigned number.
void FuncgraphPrinter::appendIndent(uint64_t depth, std::string& out) const {
    int n = static_cast<int>(static_cast<uint32_t>(depth * kIndent));
    if (n > 0) out.append(static_cast<size_t>(std::min(n, kMaxIndent)), ' ');
}

void FuncgraphPrinter::appendFunction(uint64_t address, const char* suffix,
                                      std::string& out) const {
    m_formats.appendSymbol(address, out);
    out += suffix;
}

bool FuncgraphPrinter::printEntry(const RawEvent& entry, int32_t pid, const RawEvent* next,
                                  std::string& out) const {
    uint64_t func = m_formats.readUnsigned(m_fields.entryFunc, entry);
    uint64_t depth = m_formats.readUnsigned(m_fields.entryDepth, entry);
    if (next && closesLeaf(entry, pid, *next)) {  // print_graph_entry_leaf
        appendDuration(m_formats.readUnsigned(m_fields.retTime, *next) -
                           m_formats.readUnsigned(m_fields.callTime, *next),
                       out);
        appendIndent(depth, out);
        appendFunction(func, "();", out);
        return true;
    }
    out += "             |  ";  // print_graph_nested: no overhead mark, no time
    appendIndent(depth, out);
    appendFunction(func, "() {", out);
    return false;
}

// get_return_for_leaf: the next record is this function's exit in the same task.
bool FuncgraphPrinter::closesLeaf(const RawEvent& entry, int32_t pid, const RawEvent& next) const {
    CommonFields c;
    return m_formats.common(next, c) && c.type == m_fields.exitId && c.pid == pid &&
           m_formats.readUnsigned(m_fields.exitFunc, next) ==
               m_formats.readUnsigned(m_fields.entryFunc, entry);
}

// fgraph_ret_handler, with the "tailprint" and "depth" options off (their default).
void FuncgraphPrinter::printExit(const RawEvent& exit, std::string& out) const {
    appendDuration(m_formats.readUnsigned(m_fields.retTime, exit) -
                       m_formats.readUnsigned(m_fields.callTime, exit),
                   out);
    appendIndent(m_formats.readUnsigned(m_fields.exitDepth, exit), out);
    out += '}';
}

// fgraph_ret_handler with "tailprint" on: "} /* func */".
void FuncgraphPrinter::printLeafExit(const RawEvent& exit, std::string& out) const {
    appendDuration(m_formats.readUnsigned(m_fields.retTime, exit) -
                       m_formats.readUnsigned(m_fields.callTime, exit),
                   out);
    appendIndent(m_formats.readUnsigned(m_fields.exitDepth, exit), out);
    out += "} /* ";
    appendFunction(m_formats.readUnsigned(m_fields.exitFunc, exit), " */", out);
}

}  // namespace kestrel
