#include "window/status_text.h"

#include <QLocale>
#include <QObject>

#include "analysis/call_tree.h"
#include "analysis/sched_timeline.h"
#include "decode/trace_model.h"
#include "timeline/time_scale.h"
#include "timeline/timeline_rows.h"

namespace kestrel {
namespace {

QString counted(uint64_t n, const QString& one, const QString& many) {
    return QStringLiteral("%1 %2").arg(countText(n), n == 1 ? one : many);
}

}  // namespace

QString countText(uint64_t n) {
    return QLocale().toString(static_cast<qulonglong>(n));
}

QString traceSummary(const TraceModel& model, const SchedTimeline* timeline,
                     const CallTrees* calls) {
    QStringList parts;
    parts << counted(cpusWithData(model).size(), QObject::tr("CPU"), QObject::tr("CPUs"));
    parts << QString::fromStdString(formatDuration(model.endTime() - model.startTime()));
    if (timeline) {
        parts << counted(timeline->events, QObject::tr("event"), QObject::tr("events"));
        parts << counted(timeline->counts.eventsByPid.size(), QObject::tr("task"),
                         QObject::tr("tasks"));
    }
    if (calls) parts << counted(calls->spans.size(), QObject::tr("call"), QObject::tr("calls"));
    return parts.join(QStringLiteral(", "));
}

QString traceDetails(const TraceModel& model) {
    QStringList buffers;
    for (size_t b = 0; b < model.meta().buffers.size(); ++b)
        buffers << bufferTitle(model, static_cast<int>(b));
    return QObject::tr(
               "%1\n%2, buffers: %3\n%4 with events of %5 in the file\n%6 (the blocks the "
               "file is read in, blocks of ring-buffer pages)")
        .arg(QString::fromStdString(model.source().path()),
             QString::fromStdString(model.source().formatName()),
             buffers.join(QStringLiteral(", ")),
             counted(cpusWithData(model).size(), QObject::tr("CPU"), QObject::tr("CPUs")),
             countText(model.cpuCount()),
             counted(model.frames().size(), QObject::tr("frame"), QObject::tr("frames")));
}

}  // namespace kestrel
