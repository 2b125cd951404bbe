#pragma once
// Why a call's span is not the whole call: one sentence per flag (no entry, no exit, the
// kernel's return stack overrun), the same words in the timeline's hover text and the
// details pane.
#include <QStringList>

#include "analysis/call_tree.h"

namespace kestrel {

// Empty for a complete call.
QStringList callCutReasons(const CallSpan& span);

}  // namespace kestrel
