#pragma once
// What the running kernel lets a recording ask for, in a tracefs instance and at the top
// level, found by trying each item (never by kernel version): tracers, the function
// filters and graph filters, max_graph_depth, options, pid filters, notrace pid filters,
// kprobes and uprobes, clocks, the sub-buffer size. `ktr record --probe` prints it; the
// record dialog decides what it offers from it. The top level is tried only when nobody
// uses it, and every file tried there is put back.
#include <string>
#include <vector>

#include "tracefs.h"

namespace kestrel {

struct Capability {
    std::string item;      // "tracer function_graph", "set_graph_function", ...
    std::string instance;  // "yes", "no: Invalid argument", "absent", "-" (not a per-buffer item)
    std::string topLevel;  // the same, or "not tried: in use (tracer function)"
    bool inInstance() const { return instance == "yes"; }
    bool atTopLevel() const { return topLevel == "yes"; }
};

std::vector<Capability> probeCapabilities(const Tracefs& fs);

}  // namespace kestrel
