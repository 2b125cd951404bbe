#pragma once
// Painters of single timeline rows: a CPU row (who ran), a task row (its states), the
// frame-index preview drawn before the analyses finish, and the marks from the trace
// (trace_marker flags, lost-event gaps). The painter's x = 0 is the left edge of the
// time area; every painter visits only what the scale shows (span_folding.h).
#include <QPainter>
#include <QRectF>
#include <QStringList>
#include <vector>

#include "analysis/sched_timeline.h"
#include "decode/trace_model.h"
#include "timeline/time_scale.h"

namespace kestrel {

void paintCpuRow(QPainter& p, const QRectF& row, const SpanTrack& spans, const SchedTimeline& t,
                 const TimeScale& scale);
// `cpuNames` names global CPU indices (TraceModel::cpuLabel) on wide running spans.
void paintTaskRow(QPainter& p, const QRectF& row, int pid, const SchedTimeline& t,
                  const TimeScale& scale, const QStringList& cpuNames);
// Where the frames of a CPU lie (grey), from the frame index alone.
void paintFramePreview(QPainter& p, const QRectF& row, const TraceModel& model, size_t cpu,
                       const TimeScale& scale);
// A buffer's header band. Collapsed, it also says when its CPUs were busy: in grey,
// where any of them ran a task (`timeline`), or before the analysis where their frames
// lie (when the frame index knows their times).
void paintBufferHeader(QPainter& p, const QRectF& row, const TraceModel& model,
                       const SchedTimeline* timeline, const std::vector<int>& cpus, bool collapsed,
                       const TimeScale& scale);
// A buffer header's label: a triangle pointing down when the group is open, right when
// it is collapsed, the buffer's name in bold and `detail` (its CPU count) on the right.
void paintBufferHeaderLabel(QPainter& p, const QRectF& r, const QString& title,
                            const QString& detail, bool collapsed);
void paintLostGaps(QPainter& p, const QRectF& row, const SchedTimeline& t, size_t cpu,
                   const TimeScale& scale);
// Flags of ftrace:print events; `pid` >= 0 keeps that task's prints, `cpu` >= 0 that CPU's.
void paintPrintFlags(QPainter& p, const QRectF& row, const SchedTimeline& t, int cpu, int pid,
                     const TimeScale& scale);

// The index range of a sorted-by-ts vector visible at `scale`.
template <class V, class Ts>
std::pair<size_t, size_t> visibleIndices(const V& items, const TimeScale& scale, Ts ts) {
    auto lo = std::lower_bound(items.begin(), items.end(), scale.start,
                               [&](const auto& item, uint64_t t) { return ts(item) < t; });
    auto hi = std::upper_bound(lo, items.end(), scale.end(),
                               [&](uint64_t t, const auto& item) { return t < ts(item); });
    return {static_cast<size_t>(lo - items.begin()), static_cast<size_t>(hi - items.begin())};
}

}  // namespace kestrel
