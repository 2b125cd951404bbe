#pragma once
// The event panel's filter as the session saves it (TimelineState::filters()): the tasks
// by pid, the event types by "system:name", the CPUs by their label ("cpu1", "sched
// cpu1") and the advanced text. Names rather than the trace's numbers, so an exported
// session reads the same and means the same on another recording of the same events.
// The time range is not part of it: the session saves the selection, which sets it.
#include <QVariantMap>

#include "query/event_filter.h"

namespace kestrel {

class TraceModel;
class EventFormats;

// An empty map for a filter that selects everything.
QVariantMap filterToVariant(const EventFilter& filter, const TraceModel& model,
                            const EventFormats& formats);
// Names the trace does not have are left out; a list none of whose names the trace has
// selects nothing, as it did when saved.
EventFilter filterFromVariant(const QVariantMap& map, const TraceModel& model,
                              const EventFormats& formats);

}  // namespace kestrel
