#pragma once
// What a command could not read: the problems the reader met on opening (a truncated
// file, an index rebuilt by scanning) and the frames and pages the passes skipped. One
// line each on stderr, so that partial output is never silent.
#include <string>
#include <vector>

#include "decode/trace_model.h"

namespace kestrel::cli {

// Prints "ktr: warning: FILE: LINE" for each line (at most 20, then how many more).
// Returns kPartial when there is any, else kOk.
int reportProblems(const std::string& file, const std::vector<std::string>& lines);

// The same for what opening `model` found and what its passes skipped, with a total.
int reportDamage(const TraceModel& model);

}  // namespace kestrel::cli
