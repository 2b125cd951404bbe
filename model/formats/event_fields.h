#pragma once
// Every field of one event with its C type and value (libtraceevent's field printer),
// and the kernel stack of stacktrace events with symbol names from kallsyms. What the
// details pane shows; Qt-free so it is tested without a GUI.
#include <cstdint>
#include <string>
#include <vector>

#include "decode/event_ref.h"
#include "formats/event_formats.h"

namespace kestrel {

struct FieldText {
    std::string name;
    std::string type;  // as the format file declares it: "char[16]", "pid_t", ...
    std::string value;
    bool common = false;
};

struct StackFrame {
    uint64_t address = 0;
    std::string symbol;  // "vfs_open+0x45", empty when kallsyms has no name
};

// Common fields first, then the event's own, in format order. Empty for an unknown id.
std::vector<FieldText> eventFields(EventFormats& formats, const EventRef& event);
// The `caller` entries of ftrace's kernel_stack / user_stack events (stacktrace option);
// empty for other events. User-space addresses get no symbol.
std::vector<StackFrame> eventStack(EventFormats& formats, const EventRef& event);

}  // namespace kestrel
