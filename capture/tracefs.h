#pragma once
// Plain file access to a tracefs mount, and the recorder's own instance in it.
// Takes a root path so tests can point it at a fake directory tree.
#include <string>
#include <vector>

#include "base/status.h"

namespace kestrel {

class Tracefs {
public:
    explicit Tracefs(std::string root) : m_root(std::move(root)) {}

    // Finds tracefs (/sys/kernel/tracing, /sys/kernel/debug/tracing) or mounts it on
    // /sys/kernel/tracing when allowed. The error names what is missing and how to fix it.
    static Result<Tracefs> locate(bool mountIfMissing = true);

    const std::string& root() const { return m_root; }
    std::string path(const std::string& rel) const { return m_root + "/" + rel; }
    bool exists(const std::string& rel) const;
    bool isDir(const std::string& rel) const;
    std::vector<std::string> list(const std::string& rel) const;  // directory entries, sorted

    Result<std::string> read(const std::string& rel) const;
    // Truncating write, like `echo VALUE > FILE`; the error carries the kernel's errno text.
    Status write(const std::string& rel, const std::string& value) const;
    // Appending write, like `echo VALUE >> FILE` (set_event, kprobe_events, filters).
    Status append(const std::string& rel, const std::string& value) const;

private:
    Status writeMode(const std::string& rel, const std::string& value, int flags) const;
    std::string m_root;
};

// instances/NAME, created on construction by create() and removed by remove() (or the
// destructor). Removing an instance discards everything set inside it, so the top-level
// buffer and other ftrace users are never disturbed.
class TracefsInstance {
public:
    static Result<TracefsInstance> create(const Tracefs& fs, const std::string& name);
    TracefsInstance(TracefsInstance&& other) noexcept;
    TracefsInstance& operator=(TracefsInstance&&) = delete;
    ~TracefsInstance();

    const std::string& name() const { return m_name; }
    std::string rel(const std::string& file) const { return "instances/" + m_name + "/" + file; }
    const Tracefs& fs() const { return m_fs; }
    Status remove();  // tracing off, then rmdir; retried briefly while readers close

private:
    TracefsInstance(Tracefs fs, std::string name) : m_fs(std::move(fs)), m_name(std::move(name)) {}
    Tracefs m_fs;
    std::string m_name;
    bool m_live = true;
};

// Removes instances/kestrel-PID left behind by recorders that no longer run (kill -9
// before their guard could act). Returns the names removed.
std::vector<std::string> removeStaleInstances(const Tracefs& fs);

}  // namespace kestrel
