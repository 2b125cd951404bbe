#pragma once
// Where a recording's settings are written and its pages read: a tracefs instance of the
// recorder's own (the default: removing it discards everything set in it, so nobody else's
// tracing is disturbed), or the top-level buffer, which is all that some kernels allow for
// function_graph and its filters (docs/recording.md, "Instance or top level"). At the top
// level every file is journaled before its first change, so that it can be written back.
#include <functional>
#include <string>

#include "tracefs.h"

namespace kestrel {

class TraceTarget {
public:
    // Called with a file's tracefs-relative path before the target first changes it.
    using BeforeChange = std::function<void(const std::string& rel)>;

    TraceTarget(const Tracefs& fs, std::string instance, BeforeChange beforeChange = {})
        : m_fs(fs), m_instance(std::move(instance)), m_beforeChange(std::move(beforeChange)) {}
    static TraceTarget topLevel(const Tracefs& fs, BeforeChange beforeChange = {}) {
        return TraceTarget(fs, "", std::move(beforeChange));
    }

    const Tracefs& fs() const { return m_fs; }
    bool isTopLevel() const { return m_instance.empty(); }
    const std::string& instance() const { return m_instance; }
    std::string rel(const std::string& file) const {
        return isTopLevel() ? file : "instances/" + m_instance + "/" + file;
    }
    // "in tracefs instances" or "at the top level", for messages.
    std::string where() const { return isTopLevel() ? "at the top level" : "in tracefs instances"; }
    // Directory of per_cpu/ and trace files.
    std::string dir() const {
        return isTopLevel() ? m_fs.root() : m_fs.path("instances/" + m_instance);
    }

    bool exists(const std::string& file) const { return m_fs.exists(rel(file)); }
    Result<std::string> read(const std::string& file) const { return m_fs.read(rel(file)); }
    Status write(const std::string& file, const std::string& value) const {
        touch(file);
        return m_fs.write(rel(file), value);
    }
    Status append(const std::string& file, const std::string& value) const {
        touch(file);
        return m_fs.append(rel(file), value);
    }

private:
    void touch(const std::string& file) const {
        if (m_beforeChange) m_beforeChange(rel(file));
    }
    Tracefs m_fs;
    std::string m_instance;
    BeforeChange m_beforeChange;
};

}  // namespace kestrel
