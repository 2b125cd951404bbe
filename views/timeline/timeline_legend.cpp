#include "timeline/timeline_legend.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include "timeline/timeline_rows.h"
#include "timeline/timeline_view.h"
#include "timeline/track_colors.h"
#include "timeline/track_painters.h"

namespace kestrel {
namespace {

constexpr int kSwatchWidth = 36;
constexpr int kSwatchHeight = TimelineRows::kRowHeight;
constexpr int kGap = 6;       // swatch to name
constexpr int kSpacing = 16;  // name to the next swatch
constexpr int kMargin = 6;    // left and right

// The swatch's time scale: one nanosecond per pixel from 0.
TimeScale swatchScale() {
    return TimeScale{0, 1.0, kSwatchWidth};
}

}  // namespace

TimelineLegend::TimelineLegend(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("timelineLegend"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    const TimeScale scale = swatchScale();
    const uint64_t w = kSwatchWidth;

    // Three running tasks side by side on a CPU row.
    SpanTrack cpu;
    for (int k = 0; k < 3; ++k) cpu.add(w * k / 3, w * (k + 1) / 3, 3 + 4 * k);
    m_sample.cpus.push_back(cpu);
    SpanTrack inferred;  // one task seen running through its events, then its tail
    inferred.add(0, w * 2 / 3, 7, 0, SpanOrigin::Inferred);
    inferred.add(w * 2 / 3, w, 7, 0, SpanOrigin::Tail);
    m_sample.cpus.push_back(inferred);
    m_sample.gaps.push_back(LostGap{0, w / 3, w, 0});
    m_sample.prints.push_back(PrintMark{w / 2, 0, 0, {}});
    auto state = [this, w, scale](TaskState s, const QString& name, const QString& tip) {
        const int pid = 100 + static_cast<int>(s);
        SpanTrack track;
        track.add(0, w, static_cast<int32_t>(s));
        m_sample.tasks[pid] = track;
        m_entries.push_back({name, tip, [this, pid, scale](QPainter& p, const QRectF& r) {
                                 paintTaskRow(p, r, pid, m_sample, scale, {});
                             }});
    };

    m_entries.push_back({tr("running"),
                         tr("A task on a CPU: every task has a colour of its own, on the CPU "
                            "rows and on its task row"),
                         [this, scale](QPainter& p, const QRectF& r) {
                             paintCpuRow(p, r, m_sample.cpus[0], m_sample, scale);
                         }});
    state(TaskState::Runnable, tr("runnable"),
          tr("Task row: ready to run, waiting for a CPU (preempted, or woken up)"));
    state(TaskState::Sleeping, tr("sleeping"), tr("Task row: interruptible sleep (S)"));
    state(TaskState::Blocked, tr("blocked"),
          tr("Task row: uninterruptible sleep (D), most often waiting for I/O"));
    state(TaskState::Other, tr("other"), tr("Task row: stopped, traced, parked or idle"));
    m_entries.push_back({tr("inferred"),
                         tr("Running that no sched_switch recorded: the task's own events show "
                            "it on the CPU (lighter still after its last event, until another "
                            "task's)"),
                         [this, scale](QPainter& p, const QRectF& r) {
                             paintCpuRow(p, r, m_sample.cpus[1], m_sample, scale);
                         }});
    m_entries.push_back({tr("lost events"),
                         tr("The kernel dropped events here (ring buffer full, or data "
                            "missing from the file): the rows may be wrong inside"),
                         [this, scale](QPainter& p, const QRectF& r) {
                             paintCpuRow(p, r, m_sample.cpus[0], m_sample, scale);
                             paintLostGaps(p, r, m_sample, 0, scale);
                         }});
    m_entries.push_back({tr("trace_marker"),
                         tr("A write to trace_marker (ftrace:print); its text is on the row"),
                         [this, scale](QPainter& p, const QRectF& r) {
                             paintPrintFlags(p, r, m_sample, 0, -1, scale);
                         }});
    m_fixed = m_entries.size();
}

void TimelineLegend::followCalls(const TimelineView* view) {
    connect(view, &TimelineView::visibleFunctionsChanged, this,
            [this, view] { showFunctions(view); });
    showFunctions(view);
}

void TimelineLegend::showFunctions(const TimelineView* view) {
    m_entries.resize(m_fixed);
    for (const TimelineView::FunctionShare& f : view->visibleFunctions()) {
        const QColor color = f.color;
        m_entries.push_back({f.name,
                             tr("Function %1: among the functions whose calls cover the most of "
                                "the call lanes in view")
                                 .arg(f.name),
                             [color](QPainter& p, const QRectF& r) {
                                 p.fillRect(r.adjusted(0, 4, 0, -4), color);
                             }});
    }
    updateGeometry();
    update();
}

QStringList TimelineLegend::names() const {
    QStringList out;
    for (const Entry& e : m_entries) out << e.name;
    return out;
}

QRect TimelineLegend::entryRect(int entry) const {
    const QFontMetrics fm(font());
    int x = kMargin;
    for (int i = 0; i < entry; ++i)
        x += kSwatchWidth + kGap + fm.horizontalAdvance(m_entries[size_t(i)].name) + kSpacing;
    const int w = kSwatchWidth + kGap + fm.horizontalAdvance(m_entries[size_t(entry)].name);
    return QRect(x, 0, w, height());
}

QRect TimelineLegend::swatchRect(int entry) const {
    const QRect r = entryRect(entry);
    return QRect(r.left(), (height() - kSwatchHeight) / 2, kSwatchWidth, kSwatchHeight);
}

int TimelineLegend::entryAt(QPoint pos) const {
    for (int i = 0; i < int(m_entries.size()); ++i) {
        if (entryRect(i).contains(pos)) return i;
    }
    return -1;
}

QSize TimelineLegend::sizeHint() const {
    const int last = int(m_entries.size()) - 1;
    return QSize(entryRect(last).right() + kMargin, kSwatchHeight + 4);
}

QSize TimelineLegend::minimumSizeHint() const {
    return QSize(0, kSwatchHeight + 4);
}

void TimelineLegend::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(238, 240, 244));
    for (int i = 0; i < int(m_entries.size()); ++i) {
        const QRect swatch = swatchRect(i);
        p.save();
        p.setClipRect(swatch);
        p.translate(swatch.left(), 0);
        const QRectF row(0, swatch.top(), swatch.width(), swatch.height());
        p.fillRect(row, Qt::white);
        m_entries[size_t(i)].paint(p, row);
        p.restore();
        p.setPen(Qt::black);
        const QRect text(swatch.right() + 1 + kGap, 0, width(), height());
        p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft, m_entries[size_t(i)].name);
    }
}

bool TimelineLegend::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const int i = entryAt(help->pos());
        if (i < 0)
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), m_entries[size_t(i)].tip, this);
        return true;
    }
    return QWidget::event(e);
}

}  // namespace kestrel
