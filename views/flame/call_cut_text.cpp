#include "flame/call_cut_text.h"

#include <QCoreApplication>

namespace kestrel {

QStringList callCutReasons(const CallSpan& span) {
    QStringList why;
    if (span.flags & CallSpan::kNoEntry)
        why << QCoreApplication::translate(
            "CallSpan",
            "cut: its entry is not in the trace (before the buffer, or lost); calls under it "
            "before that may be missing");
    if (span.flags & CallSpan::kNoExit)
        why << QCoreApplication::translate(
            "CallSpan",
            "cut: its exit is not in the trace; it ends where the task's records show it had "
            "returned, or at the end of the trace");
    if (span.flags & CallSpan::kOverrun)
        why << QCoreApplication::translate(
            "CallSpan",
            "overrun: the kernel's return stack overflowed under it; calls under it are "
            "missing");
    return why;
}

}  // namespace kestrel
