#include "formats/funcgraph_fields.h"

namespace kestrel {

FuncgraphFields::FuncgraphFields(const EventFormats& formats) {
    const EventType* entry = formats.find("ftrace", "funcgraph_entry");
    const EventType* exit = formats.find("ftrace", "funcgraph_exit");
    if (!entry || !exit) return;
    entryId = entry->id;
    exitId = exit->id;
    entryFunc = formats.field(entryId, "func");
    entryDepth = formats.field(entryId, "depth");
    exitFunc = formats.field(exitId, "func");
    exitDepth = formats.field(exitId, "depth");
    callTime = formats.field(exitId, "calltime");
    retTime = formats.field(exitId, "rettime");
    overrun = formats.field(exitId, "overrun");
}

bool FuncgraphFields::usable() const {
    return entryFunc.valid() && entryDepth.valid() && exitFunc.valid() && exitDepth.valid() &&
           callTime.valid() && retTime.valid();
}

}  // namespace kestrel
