#pragma once
// What a command could not read: the problems the reader met on opening (a truncated
// file, an index rebuilt by scanning) and the frames and pages the passes skipped. One
// line each on stderr, so that partial output is never silent.
#include "decode/trace_model.h"

namespace kestrel::cli {

// Exit status of a command whose output leaves out damaged data: it did all it could.
inline constexpr int kPartial = 3;

// Prints "ktr: warning: FILE: ..." lines for everything skipped. Returns kPartial when
// anything was, else 0.
int reportDamage(const TraceModel& model);

}  // namespace kestrel::cli
