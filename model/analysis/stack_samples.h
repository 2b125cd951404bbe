#pragma once
// Stack samples: the kernel_stack and user_stack records the stacktrace and
// func_stack_trace options write (one after an event, or after each traced function),
// counted per distinct stack, outermost frame first, for flame graphs of samples.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/folded_stacks.h"
#include "base/progress.h"
#include "base/status.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel {

struct StackSamples {
    std::vector<FoldedLine> lines;  // "outer;...;inner" and the samples; sorted by stack
    uint64_t samples = 0;
    uint64_t badRecords = 0;  // a size beyond the record: left out
};

// False when the trace has neither kernel_stack nor user_stack records' formats.
bool hasStackRecords(const EventFormats& formats);

// Kernel frames are named from the trace's kallsyms (the address in hex where it has no
// name); user frames are addresses. `filter.unexited` does not apply.
Result<StackSamples> foldStackSamples(const TraceModel& model, const EventFormats& formats,
                                      const CallFilter& filter, Progress* progress = nullptr,
                                      unsigned threads = 0);

}  // namespace kestrel
