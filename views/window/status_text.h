#pragma once
// The status bar's words for the loaded trace. The summary counts what the window shows:
// the CPUs that have rows (a buffer's CPUs that recorded nothing have none), and once
// the analysis is in, the events and the tasks that recorded them (the entries of the
// event panel's Tasks list, the idle task among them). Every count is in the locale's
// number format, as the event panel writes its counts. The details (the status bar's
// tooltip) give what the summary leaves out.
#include <QString>
#include <cstdint>

namespace kestrel {

class TraceModel;
struct SchedTimeline;
struct CallTrees;

QString countText(uint64_t n);  // "18,155" in English, "18.155" in German
// "2 CPUs, 1.412 s, 18,155 events, 20 tasks"
// With `calls`, the function_graph calls as well.
QString traceSummary(const TraceModel& model, const SchedTimeline* timeline,
                     const CallTrees* calls = nullptr);
// The file, its format, its buffers and CPUs, and the frames it is read in.
QString traceDetails(const TraceModel& model);

}  // namespace kestrel
