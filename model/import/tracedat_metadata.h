#pragma once
// The metadata parts of a trace.dat file, identical in v6 (read in sequence from the
// file) and v7 (one per section, usually compressed): header_page/header_event,
// ftrace formats, event formats per system, kallsyms, printk formats, saved_cmdlines.
// Layouts: trace-cmd.dat.v6.5.txt / v7.5.txt; readers in trace-input.c.
#include "base/status.h"
#include "base/trace_meta.h"
#include "import/tracedat_file.h"

namespace kestrel {

// "header_page\0" u64 size, text, "header_event\0" u64 size, text.
Status readTraceDatHeaderInfo(TraceDatCursor& in, TraceMeta& meta);
// u32 count, then (u64 size, format text) each; system "ftrace".
Status readTraceDatFtraceFormats(TraceDatCursor& in, TraceMeta& meta);
// u32 systems, then (system name, u32 count, (u64 size, format text) each) each.
Status readTraceDatEventFormats(TraceDatCursor& in, TraceMeta& meta);
// u32 size + text (kallsyms, printk formats).
Status readTraceDatText32(TraceDatCursor& in, std::string& out, const char* what);
// u64 size + text (saved_cmdlines, v6 trace_clock).
Status readTraceDatText64(TraceDatCursor& in, std::string& out, const char* what);

}  // namespace kestrel
