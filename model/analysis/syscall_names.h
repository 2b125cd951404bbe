#pragma once
// System call names by number, for the architecture a trace was recorded on
// (raw_syscalls:sys_enter and sys_exit carry only the number).
#include <cstdint>
#include <string_view>

#include "base/trace_meta.h"

namespace kestrel {

enum class SyscallArch { kUnknown, kX86_64 };

// From the trace's metadata: the machine in its uname, a 64-bit little-endian kernel.
SyscallArch syscallArch(const TraceMeta& meta);

// The name of a system call, or empty when the table has none (unknown architecture,
// a number the table lacks).
std::string_view syscallName(SyscallArch arch, int64_t number);

}  // namespace kestrel
