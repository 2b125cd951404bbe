#pragma once
// Colours of the timeline: one stable colour per pid (golden-ratio hues, so
// neighbouring pids differ), and one per task state.
#include <QBrush>
#include <QColor>

#include "analysis/sched_timeline.h"

namespace kestrel {

// The band of a buffer's header row (timeline_rows.h): grey-blue, unsaturated, so it
// reads as structure and never as a task.
inline const QColor kBufferHeaderColor(222, 226, 234);

inline QColor taskColor(int pid) {
    const double golden = 0.618033988749895;
    double hue = pid * golden;
    hue -= static_cast<long long>(hue);
    return QColor::fromHsv(static_cast<int>(hue * 359), 140 + (pid % 4) * 25, 215 - (pid % 3) * 20);
}

inline QColor stateColor(TaskState s, int pid) {
    switch (s) {
        case TaskState::Running:
            return taskColor(pid);
        case TaskState::Runnable:
            return QColor(240, 140, 30);  // waiting for a CPU
        case TaskState::Sleeping:
            return QColor(175, 190, 205);  // S
        case TaskState::Blocked:
            return QColor(200, 40, 40);  // D
        case TaskState::Other:
            return QColor(110, 110, 110);
        case TaskState::Dead:
            return Qt::transparent;
    }
    return Qt::gray;
}

// A span no sched_switch recorded (SpanOrigin::Inferred: the task's own events show it;
// Tail: after its last event, until another task's) is the task's colour lightened, under
// stripes of the colour running from top left to bottom right (lost-event gaps use red
// stripes the other way). A Tail is lighter still: nothing shows it running at all.
inline QColor inferredFill(const QColor& c, SpanOrigin origin) {
    return origin == SpanOrigin::Tail ? c.lighter(170) : c.lighter(135);
}
inline QBrush inferredStripes(const QColor& c) {
    return QBrush(c.darker(115), Qt::FDiagPattern);
}

// Fraction of the row height a state fills: running full, sleeping a thin line.
inline double stateHeight(TaskState s) {
    switch (s) {
        case TaskState::Running:
            return 1.0;
        case TaskState::Runnable:
            return 0.6;
        case TaskState::Blocked:
            return 0.6;
        case TaskState::Sleeping:
            return 0.2;
        case TaskState::Other:
            return 0.2;
        case TaskState::Dead:
            return 0;
    }
    return 0.2;
}

}  // namespace kestrel
