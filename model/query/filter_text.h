#pragma once
// The advanced filter's text, checked before libtraceevent compiles it. libtraceevent
// (event-filter.c) reads past the end of some texts and crashes, and it accepts others that
// can only be mistakes: a name that is no field of the event compares as FALSE, a lone '~'
// is bitwise not. Both gave 0 events and no word why. Here each problem gets a sentence
// that says what is wrong and where (the column), in the user's terms.
//
// The text is libtraceevent's: "EVENTS: EXPRESSION", EVENTS a comma-separated list of
// "event" or "system/event" (regular expressions, anchored, case-insensitive), EXPRESSION
// comparisons of fields, numbers and quoted strings joined by && || ! and parentheses;
// COMM and CPU name the task's comm and the event's CPU. EVENTS alone keeps those events.
#include <cstddef>
#include <string>

#include "base/status.h"
#include "formats/event_formats.h"

namespace kestrel {

inline constexpr size_t kNoColumn = std::string::npos;

// An error naming the text and the problem on one line, or ok. `column` (0-based, into
// `text`) receives where the problem is, kNoColumn when it is nowhere in particular.
// `formats` must have every format parsed (EventFormats::filterTwin()).
Status checkFilterText(const std::string& text, const EventFormats& formats,
                       size_t* column = nullptr);

// libtraceevent's error (tep_filter_strerror: the expression, a caret line, a message) as
// one line about `text`, whose expression starts at `expressionAt`; `column` receives the
// caret's column in `text`.
std::string describeFilterError(const std::string& text, size_t expressionAt,
                                const std::string& tepError, size_t* column = nullptr);

}  // namespace kestrel
