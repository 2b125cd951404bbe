#include "timeline/track_painters.h"

#include <QFontMetrics>

#include "timeline/span_folding.h"
#include "timeline/track_colors.h"

namespace kestrel {
namespace {

constexpr double kLabelMinPx = 50;  // spans wider than this carry their task's name

QString taskName(const SchedTimeline& t, int pid) {
    const TaskSummary* s = t.task(pid);
    return QStringLiteral("%1-%2")
        .arg(s ? QString::fromStdString(s->comm) : QStringLiteral("?"))
        .arg(pid);
}

void label(QPainter& p, const QRectF& r, const QString& text, const QColor& fill) {
    if (r.width() < kLabelMinPx) return;
    p.setPen(fill.lightness() < 110 ? Qt::white : Qt::black);  // readable on dark spans
    QFontMetrics fm(p.font());
    p.drawText(r.adjusted(3, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft,
               fm.elidedText(text, Qt::ElideRight, static_cast<int>(r.width() - 5)));
}

// A running span: the task's colour, or the inferred style (track_colors.h).
void fillRunning(QPainter& p, const QRectF& r, const QColor& colour, SpanOrigin origin) {
    if (origin == SpanOrigin::Recorded) {
        p.fillRect(r, colour);
        return;
    }
    p.fillRect(r, inferredFill(colour, origin));
    p.fillRect(r, inferredStripes(colour));
}

}  // namespace

void paintCpuRow(QPainter& p, const QRectF& row, const SpanTrack& spans, const SchedTimeline& t,
                 const TimeScale& scale) {
    const double top = row.top() + 2, h = row.height() - 4;
    forEachVisibleSpan(spans, scale, [&](const SpanRun& run) {
        const int pid = spans.value[run.index];
        QRectF r(run.x0, top, std::max(1.0, run.x1 - run.x0), h);
        const QColor fill = taskColor(pid);
        fillRunning(p, r, fill, spans.origin[run.index]);
        if (!run.folded) label(p, r, taskName(t, pid), fill);
    });
}

void paintTaskRow(QPainter& p, const QRectF& row, int pid, const SchedTimeline& t,
                  const TimeScale& scale, const QStringList& cpuNames) {
    auto it = t.tasks.find(pid);
    if (it == t.tasks.end()) return;
    const SpanTrack& spans = it->second;
    const double top = row.top() + 2, h = row.height() - 4;
    forEachVisibleSpan(spans, scale, [&](const SpanRun& run) {
        auto state = static_cast<TaskState>(spans.value[run.index]);
        // A folded column shows running when any span in it ran: the first span is
        // as good a witness as any, but running is what the eye looks for.
        double fill = run.folded ? 1.0 : stateHeight(state);
        QRectF r(run.x0, top + h * (1 - fill), std::max(1.0, run.x1 - run.x0), h * fill);
        if (run.folded) {
            p.fillRect(r, stateColor(TaskState::Running, pid).darker(115));
        } else if (state == TaskState::Running) {
            fillRunning(p, r, stateColor(state, pid), spans.origin[run.index]);
        } else {
            p.fillRect(r, stateColor(state, pid));
        }
        if (!run.folded && state == TaskState::Running) {
            const int cpu = spans.cpu[run.index];
            label(p, r, cpu < cpuNames.size() ? cpuNames[cpu] : QStringLiteral("cpu %1").arg(cpu),
                  stateColor(state, pid));
        }
    });
    // Migrations: a small black triangle where the task starts running on a new CPU.
    auto [lo, hi] = visibleIndices(t.migrations, scale, [](const Migration& m) { return m.ts; });
    if (hi - lo > 20000) return;  // too dense to read; the folded spans say enough
    p.setPen(Qt::NoPen);
    p.setBrush(Qt::black);
    for (size_t i = lo; i < hi; ++i) {
        if (t.migrations[i].pid != pid) continue;
        double x = scale.toX(t.migrations[i].ts);
        const QPointF tri[3] = {{x - 4, row.top()}, {x + 4, row.top()}, {x, row.top() + 6}};
        p.drawPolygon(tri, 3);
    }
}

void paintFramePreview(QPainter& p, const QRectF& row, const TraceModel& model, size_t cpu,
                       const TimeScale& scale) {
    const CpuTrack& track = model.cpu(cpu);
    const FrameIndex& frames = model.frames();
    const QColor grey(200, 200, 200);
    double lastX = -1;
    for (uint32_t f : track.frames) {  // a few thousand frames at most: a linear walk
        const FrameRef& ref = frames[f];
        if (ref.tFirst == kUnknownTime) continue;
        double x0 = scale.toX(model.toTraceTime(ref.tFirst));
        double x1 = scale.toX(model.toTraceTime(ref.tLast));
        if (x1 < 0 || x0 > scale.width) continue;
        if (x1 < lastX + 1) continue;
        lastX = x1;
        p.fillRect(QRectF(std::max(0.0, x0), row.top() + row.height() * 0.35,
                          std::max(1.0, x1 - x0), row.height() * 0.3),
                   grey);
    }
}

void paintBufferHeader(QPainter& p, const QRectF& row, const TraceModel& model,
                       const SchedTimeline* timeline, const std::vector<int>& cpus, bool collapsed,
                       const TimeScale& scale) {
    p.fillRect(row, kBufferHeaderColor);
    p.fillRect(QRectF(row.left(), row.bottom() - 1, row.width(), 1),
               kBufferHeaderColor.darker(115));
    if (!collapsed) return;
    const QRectF band = row.adjusted(0, 5, 0, -6);
    if (!timeline) {
        for (int cpu : cpus) paintFramePreview(p, band, model, static_cast<size_t>(cpu), scale);
        return;
    }
    const QColor busy(150, 155, 165);
    for (int cpu : cpus) {
        forEachVisibleSpan(timeline->cpus[cpu], scale, [&](const SpanRun& run) {
            p.fillRect(QRectF(run.x0, band.top(), std::max(1.0, run.x1 - run.x0), band.height()),
                       busy);
        });
    }
}

void paintBufferHeaderLabel(QPainter& p, const QRectF& r, const QString& title,
                            const QString& detail, bool collapsed) {
    p.save();
    p.fillRect(r, kBufferHeaderColor.darker(106));
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(70, 70, 80));
    const double cx = r.left() + 11, cy = r.center().y();
    if (collapsed) {
        const QPointF tri[3] = {{cx - 3, cy - 5}, {cx - 3, cy + 5}, {cx + 4, cy}};
        p.drawPolygon(tri, 3);
    } else {
        const QPointF tri[3] = {{cx - 5, cy - 3}, {cx + 5, cy - 3}, {cx, cy + 4}};
        p.drawPolygon(tri, 3);
    }
    const QRectF text = r.adjusted(20, 0, -6, 0);
    p.setPen(Qt::darkGray);
    p.drawText(text, Qt::AlignVCenter | Qt::AlignRight, detail);
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(Qt::black);
    const int room = int(text.width() - QFontMetrics(p.font()).horizontalAdvance(detail)) - 8;
    p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
               QFontMetrics(bold).elidedText(title, Qt::ElideRight, room));
    p.restore();
}

void paintLostGaps(QPainter& p, const QRectF& row, const SchedTimeline& t, size_t cpu,
                   const TimeScale& scale) {
    const QBrush hatch(QColor(220, 0, 0), Qt::BDiagPattern);
    for (const LostGap& g : t.gaps) {
        if (g.cpu != cpu || g.to < scale.start || g.from > scale.end()) continue;
        double x0 = scale.toX(g.from), x1 = scale.toX(g.to);
        QRectF r(std::max(-1.0, x0) - 1, row.top(),
                 std::max(3.0, std::min<double>(x1, scale.width + 1) - x0), row.height());
        p.fillRect(r, hatch);
        p.setPen(QColor(220, 0, 0));
        p.drawLine(QPointF(r.left(), row.top()), QPointF(r.left(), row.bottom()));
    }
}

void paintPrintFlags(QPainter& p, const QRectF& row, const SchedTimeline& t, int cpu, int pid,
                     const TimeScale& scale) {
    auto [lo, hi] = visibleIndices(t.prints, scale, [](const PrintMark& m) { return m.ts; });
    const QColor flag(30, 90, 200);
    QFontMetrics fm(p.font());
    double lastX = -1e9, labelEnd = -1e9;
    for (size_t i = lo; i < hi; ++i) {
        const PrintMark& m = t.prints[i];
        if ((cpu >= 0 && m.cpu != cpu) || (pid >= 0 && m.pid != pid)) continue;
        double x = scale.toX(m.ts);
        if (x < lastX + 1) {  // one flag per pixel column: skip ahead by binary search
            // Below 1 ns per pixel the next column's time rounds back to this print's own
            // ts, and prints sharing a ts would be found again: always move past this one.
            uint64_t next = scale.toTime(std::floor(x) + 1);
            auto it = std::lower_bound(t.prints.begin() + i, t.prints.begin() + hi, next,
                                       [](const PrintMark& pm, uint64_t v) { return pm.ts < v; });
            i = std::max(i + 1, static_cast<size_t>(it - t.prints.begin())) - 1;
            continue;
        }
        lastX = x;
        p.setPen(flag);
        p.drawLine(QPointF(x, row.top()), QPointF(x, row.bottom()));
        p.fillRect(QRectF(x, row.top(), 6, 5), flag);
        if (x > labelEnd) {
            QString text = fm.elidedText(QString::fromStdString(m.text), Qt::ElideRight, 160);
            double w = fm.horizontalAdvance(text);
            p.fillRect(QRectF(x + 1, row.top() + 5, w + 4, fm.height()),
                       QColor(255, 255, 255, 200));
            p.drawText(QPointF(x + 3, row.top() + 5 + fm.ascent()), text);
            labelEnd = x + w + 8;
        }
    }
}

}  // namespace kestrel
