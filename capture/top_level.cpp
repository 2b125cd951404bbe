#include "top_level.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace kestrel {
namespace {

const char* const kListFiles[] = {
    "set_event",          "set_ftrace_filter",     "set_ftrace_notrace",
    "set_graph_function", "set_graph_notrace",     "set_event_pid",
    "set_ftrace_pid",     "set_event_notrace_pid", "set_ftrace_notrace_pid"};

std::string baseName(const std::string& rel) {
    auto slash = rel.rfind('/');
    return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
    size_t start = s.find_first_not_of(" \t");
    return start == std::string::npos ? "" : s.substr(start);
}

// The entries of a list file: its lines less comments ("#### all functions enabled ####"),
// blanks and the "no pid" an empty set_ftrace_pid / set_ftrace_notrace_pid shows
// (kernel/trace/ftrace.c, fpid_show).
std::vector<std::string> entries(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        line = trimmed(line);
        if (!line.empty() && line[0] != '#' && line != "no pid") out.push_back(line);
    }
    return out;
}

// The value to write back for a value file's content.
std::string valueOf(const std::string& name, const std::string& text) {
    std::string v = trimmed(text);
    if (name == "trace_clock") {
        auto open = v.find('['), close = v.find(']');
        return open != std::string::npos && close > open ? v.substr(open + 1, close - open - 1) : v;
    }
    if (name == "buffer_size_kb" || name == "buffer_subbuf_size_kb")
        return v.substr(0, v.find(' '));
    if (name == "filter") return v == "none" ? "0" : v;
    return v;
}

}  // namespace

std::vector<RestoreStep> restoreSteps(const Tracefs& fs, const std::string& rel,
                                      const std::string& saved) {
    const std::string name = baseName(rel);
    const std::string path = fs.path(rel);
    std::vector<RestoreStep> steps;
    if (std::find(std::begin(kListFiles), std::end(kListFiles), name) != std::end(kListFiles)) {
        steps.push_back({path, false, "\n"});  // empties it
        for (const std::string& e : entries(saved)) steps.push_back({path, true, e + "\n"});
        return steps;
    }
    std::string value = valueOf(name, saved);
    if (name == "enable" && value != "0" && value != "1") return steps;  // "X": mixed, per event
    steps.push_back({path, false, value + "\n"});
    return steps;
}

std::vector<std::string> topLevelInUse(const Tracefs& fs) {
    std::vector<std::string> uses;
    auto tracer = fs.read("current_tracer");
    if (tracer && trimmed(*tracer) != "nop" && !trimmed(*tracer).empty())
        uses.push_back("tracer " + trimmed(*tracer));
    if (auto events = fs.read("set_event")) {
        auto list = entries(*events);
        if (!list.empty()) {
            std::string some = list[0] + (list.size() > 1 ? ", ..." : "");
            uses.push_back(std::to_string(list.size()) + " event" + (list.size() > 1 ? "s" : "") +
                           " enabled (" + some + ")");
        }
    }
    bool filters = false;
    for (const char* f :
         {"set_ftrace_filter", "set_graph_function", "set_ftrace_pid", "set_event_pid"}) {
        if (auto text = fs.read(f); text && !entries(*text).empty()) filters = true;
    }
    if (filters) uses.push_back("function or pid filters set");
    return uses;
}

void TopLevelJournal::save(const std::string& rel) {
    if (std::find(m_saved.begin(), m_saved.end(), rel) != m_saved.end()) return;
    auto text = m_fs.read(rel);
    if (!text) return;  // a file that cannot be read cannot be changed either
    m_saved.push_back(rel);
    m_files.push_back(restoreSteps(m_fs, rel, *text));
    if (m_onSave) m_onSave(m_files.back());
}

std::vector<RestoreStep> TopLevelJournal::plan() const {
    std::vector<RestoreStep> steps;
    for (auto it = m_files.rbegin(); it != m_files.rend(); ++it)
        steps.insert(steps.end(), it->begin(), it->end());
    return steps;
}

Status TopLevelJournal::restore() const {
    return runRestoreSteps(plan());
}

Status runRestoreSteps(const std::vector<RestoreStep>& steps) {
    Status first;
    for (const RestoreStep& s : steps) {
        int fd = ::open(s.path.c_str(), O_WRONLY | O_CLOEXEC | (s.append ? O_APPEND : O_TRUNC));
        ssize_t n = -1;
        if (fd >= 0) {
            do {
                n = ::write(fd, s.data.data(), s.data.size());
            } while (n < 0 && errno == EINTR);
        }
        int err = errno;
        if (fd >= 0) ::close(fd);
        if (n < 0 && first.ok())
            first = Status::error("cannot restore " + s.path + ": " + std::strerror(err));
    }
    return first;
}

}  // namespace kestrel
