#pragma once
// The fields of function_graph records (funcgraph_entry, funcgraph_exit), resolved once by
// name: funcgraph_exit's layout changed across kernels (6.18: func@8, depth@16,
// overrun@20, calltime@24, rettime@32; older kernels put overrun at 16 and depth at 40;
// with return values, retval comes first), so nothing reads them by offset.
#include "formats/event_formats.h"

namespace kestrel {

struct FuncgraphFields {
    explicit FuncgraphFields(const EventFormats& formats);
    // Both events with func and depth, and the exit with calltime and rettime.
    bool usable() const;

    int entryId = -1, exitId = -1;
    FieldRef entryFunc, entryDepth, exitFunc, exitDepth, callTime, retTime;
    FieldRef overrun;  // not in every kernel's funcgraph_exit
};

}  // namespace kestrel
