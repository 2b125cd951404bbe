#pragma once
// The top-level buffer belongs to everyone on the machine: a recording there saves every
// file before it first changes it and writes it back afterwards, on a normal end, Ctrl-C,
// SIGTERM or an error (the recorder), and after kill -9 (its guard process, which receives
// each file's saved content as soon as it is saved). docs/recording.md lists the files.
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "tracefs.h"

namespace kestrel {

// One write that puts a file back: the whole value, or one line of a list file.
struct RestoreStep {
    std::string path;  // absolute
    bool append = false;
    std::string data;  // with its newline
};

// How to write the content `saved` of tracefs file `rel` back: list files (set_event,
// set_ftrace_filter, the pid lists, ...) are emptied and refilled line by line, comments
// left out; value files get their value ("[local] global" gives "local", "7 (expanded:
// 1408)" gives "7", an event filter "none" gives "0").
std::vector<RestoreStep> restoreSteps(const Tracefs& fs, const std::string& rel,
                                      const std::string& saved);

// What uses the top-level buffer now, one phrase each ("tracer function", "2 events
// enabled (sched:sched_switch, ...)", "function filters set"); empty when it is idle.
std::vector<std::string> topLevelInUse(const Tracefs& fs);

class TopLevelJournal {
public:
    using OnSave = std::function<void(const std::vector<RestoreStep>&)>;
    // `onSave` receives each file's steps when the file is saved (the guard's copy).
    explicit TopLevelJournal(const Tracefs& fs, OnSave onSave = {})
        : m_fs(fs), m_onSave(std::move(onSave)) {}

    // Saves tracefs file `rel` unless it was saved already.
    void save(const std::string& rel);
    // The steps that put every saved file back, the last saved first.
    std::vector<RestoreStep> plan() const;
    // Runs plan(); the first error is returned, every step is tried.
    Status restore() const;
    bool empty() const { return m_files.empty(); }

private:
    Tracefs m_fs;
    OnSave m_onSave;
    std::vector<std::string> m_saved;               // rel paths, in order
    std::vector<std::vector<RestoreStep>> m_files;  // parallel to m_saved
};

// Runs steps with plain open/write/close (the guard calls it after fork).
Status runRestoreSteps(const std::vector<RestoreStep>& steps);

}  // namespace kestrel
