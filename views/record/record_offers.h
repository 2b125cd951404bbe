#pragma once
// What the record dialog offers of one item (a tracer, a filter file, an option), from
// what probeCapabilities found by trying it: allowed, allowed only in the top-level
// buffer, refused (with the kernel's reason), or not known (the probe could not try it,
// e.g. without root: then the item is offered and the recording says what is refused).
#include <QString>
#include <vector>

#include "capabilities.h"

namespace kestrel {

struct Offer {
    enum class Kind { Allowed, TopLevelOnly, Refused, Unknown };
    Kind kind = Kind::Unknown;
    QString reason;  // for TopLevelOnly, Refused and Unknown: one line for the user
    bool enabled() const { return kind != Kind::Refused; }
};

// `item` as probeCapabilities names it: "tracer function_graph", "set_graph_function".
Offer offerFor(const std::vector<Capability>& caps, const std::string& item);

// The clocks the probe listed ("yes: local global ..."), empty when it listed none.
std::vector<std::string> probedClocks(const std::vector<Capability>& caps);

}  // namespace kestrel
