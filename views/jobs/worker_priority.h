#pragma once
// Background passes run at a lower priority than the UI thread: on a two-core machine
// the analysis and the index otherwise hold both cores while the window lays out and
// paints, and the UI thread waits its turn (docs/performance.md, longest UI stall).
// Threads a worker starts (the passes' parallel slices) inherit its priority.
namespace kestrel {

// Lowers the calling thread's priority (Linux: nice +10 for this thread only).
void lowerThisThreadPriority();

}  // namespace kestrel
