#include "timeline/timeline_view.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

#include "base/byte_order.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "flame/call_chart_index.h"
#include "formats/event_formats.h"
#include "timeline/span_folding.h"
#include "timeline/timeline_actions.h"
#include "timeline/track_colors.h"
#include "timeline/track_painters.h"

namespace kestrel {
namespace {

constexpr double kZoomStep = 1.25;
constexpr double kTickWindowNs = 5e6;  // event ticks when the window is under 5 ms
constexpr size_t kMaxTicks = 100000;
constexpr double kArrowWindowNs = 50e6;  // wakeup arrows under 50 ms
constexpr size_t kMaxArrows = 4000;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString cpuCount(const std::vector<int>& cpus) {
    return cpus.size() == 1 ? QStringLiteral("1 CPU") : QStringLiteral("%1 CPUs").arg(cpus.size());
}

}  // namespace

TimelineView::TimelineView(TimelineState* state, QWidget* parent)
    : QWidget(parent), m_state(state) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(400, 150);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(m_state, &TimelineState::visibleRangeChanged, this,
            &TimelineView::onVisibleRangeChanged);
    connect(m_state, &TimelineState::tasksChanged, this, [this] {
        rebuildRows();
        update();
    });
    connect(m_state, &TimelineState::collapsedBuffersChanged, this, [this] {
        rebuildRows();
        update();
    });
    connect(m_state, &TimelineState::expandedRowsChanged, this, [this] {
        syncCallIndex();
        rebuildRows();
        update();
    });
    connect(m_state, &TimelineState::markersChanged, this, qOverload<>(&QWidget::update));
    connect(m_state, &TimelineState::selectionChanged, this, qOverload<>(&QWidget::update));
    connect(m_state, &TimelineState::cursorTimeChanged, this, qOverload<>(&QWidget::update));
    m_actions = new TimelineActions(this);
}

void TimelineView::setModel(const TraceModel* model) {
    m_model = model;
    m_timeline.reset();
    m_formats = nullptr;
    setCallTrees(nullptr);
    m_ticks.clear();
    m_ticksFrom = 1;
    m_ticksTo = 0;
    m_scrollY = 0;
    m_interval.reset();
    m_cpuNames.clear();
    if (model) {
        for (size_t i = 0; i < model->cpuCount(); ++i) m_cpuNames << qs(model->cpuLabel(i));
        m_state->setTraceRange({model->startTime(), model->endTime()});
        zoomToFit();
    }
    rebuildRows();
    update();
}

void TimelineView::setTimeline(std::shared_ptr<const SchedTimeline> timeline) {
    m_timeline = std::move(timeline);
    keepFilteredSpans();
    rebuildRows();
    update();
}

void TimelineView::setFormats(const EventFormats* formats) {
    m_formats = formats;
    nameCalls();  // call names come from the formats' symbols
}

void TimelineView::rebuildRows() {
    TimelineRows::Hidden hidden;
    if (m_graphFilter == GraphFilter::Hide)
        hidden = [this](RowKind kind, int id) { return filteredOut(Row{kind, id, 0, 0}); };
    auto levels = [this](RowKind kind, int id) {
        const CallRowIndex* index = callIndex(kind, id);
        return index ? index->levelCount() : 0;
    };
    m_rows.build(m_model, m_state->collapsedBuffers(), m_state->tasks(), hidden, levels);
    // Collapsing can shorten the rows below what was scrolled past.
    m_scrollY = std::clamp(m_scrollY, 0.0, std::max(0.0, rowsHeight() - (height() - kRulerHeight)));
    updateGeometry();
    emit rowsChanged();
}

QSize TimelineView::sizeHint() const {
    return QSize(kLabelWidth + 800, kRulerHeight + static_cast<int>(std::ceil(rowsHeight())) + 2);
}

const TimelineView::Row* TimelineView::rowAt(double y) const {
    if (y < kRulerHeight) return nullptr;
    return m_rows.at(y - kRulerHeight + m_scrollY);
}

QRectF TimelineView::rowRect(const Row* row) const {
    if (!row) return {};
    return QRectF(kLabelWidth, kRulerHeight + row->y - m_scrollY, m_scale.width, row->h);
}

QRectF TimelineView::cpuRowRect(size_t cpu) const {
    return rowRect(m_rows.find(RowKind::Cpu, static_cast<int>(cpu)));
}

QRectF TimelineView::taskRowRect(int pid) const {
    return rowRect(m_rows.find(RowKind::Task, pid));
}

QRectF TimelineView::bufferHeaderRect(int buffer) const {
    return rowRect(m_rows.find(RowKind::BufferHeader, buffer));
}

QStringList TimelineView::rowLabels() const {
    QStringList labels;
    for (const Row& row : m_rows.rows()) labels << rowLabel(row);
    return labels;
}

QString TimelineView::bufferName(int buffer) const {
    return QString::fromStdString(m_model->meta().buffers.at(buffer).name);
}

bool TimelineView::bufferCollapsed(int buffer) const {
    return m_state->bufferCollapsed(bufferName(buffer));
}

void TimelineView::toggleBuffer(int buffer) {
    m_state->setBufferCollapsed(bufferName(buffer), !bufferCollapsed(buffer));
}

// ---- navigation -------------------------------------------------------------------

void TimelineView::setScale(const TimeScale& s) {
    TimeRange trace = m_state->traceRange();
    m_scale = trace.empty() ? s : s.clamped(trace.from, trace.to);
    m_state->setVisibleRange({m_scale.start, m_scale.end()});
    update();
}

void TimelineView::onVisibleRangeChanged(TimeRange r) {
    if (r.empty()) return;
    if (r.from == m_scale.start && r.to == m_scale.end()) return;  // our own change
    m_scale = TimeScale::fit(r.from, r.to, std::max(1, width() - kLabelWidth));
    update();
}

void TimelineView::zoomToFit() {
    TimeRange trace = m_state->traceRange();
    setScale(TimeScale::fit(trace.from, trace.to, std::max(1, width() - kLabelWidth)));
}

void TimelineView::zoomToSelection() {
    TimeRange sel = m_state->selection();
    if (sel.empty()) return;
    setScale(TimeScale::fit(sel.from, sel.to, std::max(1, width() - kLabelWidth)));
    m_state->setSelection({});
}

void TimelineView::zoomToMarkers() {
    const auto a = m_state->markerA(), b = m_state->markerB();
    if (!a || !b || a->time == b->time) return;
    setScale(TimeScale::fit(std::min(a->time, b->time), std::max(a->time, b->time),
                            std::max(1, width() - kLabelWidth)));
}

void TimelineView::goToEnd(bool end) {
    const TimeRange trace = m_state->traceRange();
    if (trace.empty()) return;
    TimeScale s = m_scale;
    const double span = s.nsPerPx * s.width;
    s.start = end && double(trace.to - trace.from) > span ? trace.to - uint64_t(span) : trace.from;
    setScale(s);
}

void TimelineView::goToMarker(bool b) {
    const std::optional<Marker> m = b ? m_state->markerB() : m_state->markerA();
    if (!m) return;
    TimeScale s = m_scale;
    const uint64_t half = uint64_t(s.nsPerPx * s.width / 2);
    s.start = m->time > half ? m->time - half : 0;
    setScale(s);
}

void TimelineView::markerAtMouse(bool b) {
    const int y = m_hoverY >= kRulerHeight ? m_hoverY : -1;
    setMarkerAt(b, QPoint(static_cast<int>(anchorX()), y));
}

void TimelineView::clearSelection() {
    m_state->setSelection({});
}

void TimelineView::clearMarkers() {
    m_state->setMarkerA(std::nullopt);
    m_state->setMarkerB(std::nullopt);
}

double TimelineView::anchorX() const {
    return m_hoverX >= kLabelWidth ? m_hoverX : kLabelWidth + m_scale.width / 2.0;
}

void TimelineView::zoomBy(double factor, double anchorX) {
    setScale(m_scale.zoomed(factor, std::clamp(anchorX - kLabelWidth, 0.0, double(m_scale.width))));
}

void TimelineView::panBy(double px) {
    setScale(m_scale.panned(px));
}

void TimelineView::resizeEvent(QResizeEvent*) {
    TimeRange r = m_state->visibleRange();
    int w = std::max(1, width() - kLabelWidth);
    m_scale = r.empty() ? TimeScale::fit(0, 1, w) : TimeScale::fit(r.from, r.to, w);
    m_state->setVisibleRange({m_scale.start, m_scale.end()});
}

void TimelineView::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    const QPointF pos = e->position();
    if (pos.x() < kLabelWidth) {  // over the labels: scroll the rows
        double maxScroll = std::max(0.0, rowsHeight() - (height() - kRulerHeight));
        m_scrollY = std::clamp(m_scrollY - steps * kRowHeight, 0.0, maxScroll);
        update();
    } else if (e->modifiers() & Qt::ShiftModifier) {
        panBy(-steps * m_scale.width / 10.0);
    } else {
        zoomBy(std::pow(kZoomStep, steps), pos.x());
    }
    e->accept();
}

// Keys reach here only when Qt's shortcut map did not take them (the window is not the
// active one, as in tests of a lone view): the same actions handle them.
void TimelineView::keyPressEvent(QKeyEvent* e) {
    if (m_actions->trigger(*e)) {
        e->accept();
        return;
    }
    QWidget::keyPressEvent(e);
}

void TimelineView::leaveEvent(QEvent* e) {
    m_hoverX = m_hoverY = -1;  // keys and menus now zoom at the middle
    update();
    QWidget::leaveEvent(e);
}

void TimelineView::setMarkerAt(bool b, QPoint pos) {
    Marker m{timeAtX(pos.x()), -1};
    if (const Row* row = rowAt(pos.y());
        row && (row->kind == RowKind::Cpu ||
                (row->kind == RowKind::CallLane && row->parent == RowKind::Cpu)))
        m.cpu = row->id;
    if (b)
        m_state->setMarkerB(m);
    else
        m_state->setMarkerA(m);
    m_state->setCursorTime(m.time);
    emit cursorPlaced(m.time);
}

void TimelineView::mousePressEvent(QMouseEvent* e) {
    m_pressPos = e->pos();
    m_lastDragX = e->position().x();
    m_moved = false;
    const bool select = e->button() == Qt::RightButton ||
                        (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ControlModifier));
    if (e->pos().x() < kLabelWidth) {
        m_drag = Drag::None;
    } else if (select) {
        m_drag = Drag::Select;
    } else if (e->button() == Qt::LeftButton) {
        m_drag = Drag::Pan;
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent* e) {
    m_hoverX = e->pos().x();
    m_hoverY = e->pos().y();
    if (m_drag != Drag::None && (e->pos() - m_pressPos).manhattanLength() > 3) m_moved = true;
    if (m_drag == Drag::Pan && m_moved) {
        panBy(m_lastDragX - e->position().x());
        m_lastDragX = e->position().x();
    } else if (m_drag == Drag::Select && m_moved) {
        uint64_t a = timeAtX(m_pressPos.x()), b = timeAtX(e->pos().x());
        m_state->setSelection({std::min(a, b), std::max(a, b)});
    }
    update();
}

void TimelineView::mouseReleaseEvent(QMouseEvent* e) {
    const bool click = !m_moved && e->button() == Qt::LeftButton;
    const Row* row = rowAt(e->pos().y());
    const bool sameRow = row && row == rowAt(m_pressPos.y());
    std::optional<uint64_t> call = click && sameRow ? callAt(e->pos()) : std::nullopt;
    if (click && sameRow && row->kind == RowKind::BufferHeader) {
        toggleBuffer(row->id);  // on its label or its time band alike
    } else if (click && sameRow && e->pos().x() < kLabelWidth && hasCalls(row->kind, row->id)) {
        setCallsShown(row->kind, row->id, !m_state->rowExpanded(rowKey(row->kind, row->id)));
    } else if (m_drag == Drag::Pan && call) {
        m_selectedCall = call;
        update();
        emit callSelected(*call);
    } else if (m_drag == Drag::Pan && click) {
        setMarkerAt(e->modifiers() & Qt::ShiftModifier, e->pos());
    }
    m_drag = Drag::None;
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return;
    if (std::optional<uint64_t> call = callAt(e->pos())) {
        zoomToCall(*call);
        m_selectedCall = call;
        update();
    }
}

void TimelineView::contextMenuEvent(QContextMenuEvent* e) {
    const Row* row = rowAt(e->pos().y());
    if (e->pos().x() >= kLabelWidth || !row) return;
    QMenu menu(this);
    callMenu(menu, *row);
    if (row->kind == RowKind::Task) {
        const int pid = row->id;
        menu.addAction(tr("Remove task %1").arg(pid), this,
                       [this, pid] { m_state->removeTask(pid); });
    }
    if (!menu.isEmpty()) menu.exec(e->globalPos());
}

bool TimelineView::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        QString text = describeAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(e);
}

QString TimelineView::describeAt(QPoint pos) const {
    const Row* row = rowAt(pos.y());
    if (!row || pos.x() < kLabelWidth || !m_model) return {};
    const uint64_t t = timeAtX(pos.x());
    QString text = QStringLiteral("time %1").arg(qs(formatTime(t)));
    if (row->kind == RowKind::CallLane) {
        const std::optional<uint64_t> call = callAt(pos);
        return call ? describeCall(*call) : text;
    }
    if (row->kind == RowKind::BufferHeader) {
        const bool collapsed = bufferCollapsed(row->id);
        return text + tr("\nbuffer %1: %2, click to %3")
                          .arg(bufferTitle(*m_model, row->id), cpuCount(m_rows.cpusOf(row->id)),
                               collapsed ? tr("expand") : tr("collapse"));
    }
    if (m_timeline && (row->kind == RowKind::Cpu || row->kind == RowKind::Task)) {
        const SpanTrack* track = nullptr;
        if (row->kind == RowKind::Cpu)
            track = &m_timeline->cpus[row->id];
        else if (auto it = m_timeline->tasks.find(row->id); it != m_timeline->tasks.end())
            track = &it->second;
        ptrdiff_t i = track ? track->spanAt(t) : -1;
        if (row->kind == RowKind::Cpu) {
            int pid = i >= 0 ? track->value[i] : 0;
            const TaskSummary* s = m_timeline->task(pid);
            text += pid == 0 ? QStringLiteral("\n%1: idle").arg(qs(m_model->cpuLabel(row->id)))
                             : QStringLiteral("\n%1: %2-%3 running")
                                   .arg(qs(m_model->cpuLabel(row->id)), s ? qs(s->comm) : "?")
                                   .arg(pid);
        } else if (row->kind == RowKind::Task) {
            const TaskSummary* s = m_timeline->task(row->id);
            QString state =
                i >= 0 ? taskStateName(static_cast<TaskState>(track->value[i])) : "unknown";
            text +=
                QStringLiteral("\n%1-%2: %3").arg(s ? qs(s->comm) : "?").arg(row->id).arg(state);
            if (i >= 0 && track->value[i] == int(TaskState::Running)) {
                text += QStringLiteral(" on %1").arg(qs(m_model->cpuLabel(track->cpu[i])));
            }
        }
        if (i >= 0) {
            text +=
                QStringLiteral(" for %1").arg(qs(formatDuration(track->end[i] - track->start[i])));
            if (track->inferred(i)) text += "\n" + QString(spanOriginText(track->origin[i]));
        }
    }
    QString tick = tickAt(*row, pos.x() - kLabelWidth);
    if (!tick.isEmpty()) text += "\nevent: " + tick;
    return text;
}

QString TimelineView::tickAt(const Row& row, double x) const {
    if (row.kind != RowKind::Cpu || m_ticks.empty()) return {};
    const Tick* best = nullptr;
    double bestD = 4;
    for (const Tick& k : m_ticks) {
        if (k.cpu != static_cast<uint32_t>(row.id)) continue;
        double d = std::abs(m_scale.toX(k.ts) - x);
        if (d < bestD) {
            bestD = d;
            best = &k;
        }
    }
    if (!best) return {};
    const EventType* type = m_formats ? m_formats->type(best->type) : nullptr;
    return QStringLiteral("%1 at %2")
        .arg(type ? qs(type->name) : QStringLiteral("#%1").arg(best->type),
             qs(formatTime(best->ts)));
}

// ---- painting ---------------------------------------------------------------------

void TimelineView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    paintTo(p, size());
    if (!m_painted && m_model) {
        m_painted = true;
        emit firstPainted();
    }
}

void TimelineView::paintTo(QPainter& p, QSize size) {
    p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    if (!m_model) {
        p.setPen(Qt::darkGray);
        p.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter,
                   tr("Open a trace: File > Open, or drop a file here."));
        return;
    }
    collectTicks();
    paintRows(p, size);
    updateVisibleFunctions();
    paintLabels(p, size);
    paintRuler(p, size);
    paintOverlays(p, size);
    if (!m_timeline) paintNotice(p, size);
}

void TimelineView::setNotice(const QString& text) {
    m_notice = text;
    update();
}

// Centred over the rows area on a light box, so the rows stay visible around it.
void TimelineView::paintNotice(QPainter& p, QSize size) {
    if (m_notice.isEmpty()) return;
    const QRect area(kLabelWidth, kRulerHeight, size.width() - kLabelWidth,
                     size.height() - kRulerHeight);
    const QFontMetrics metrics(p.font());
    QRect box = metrics.boundingRect(area.adjusted(20, 0, -20, 0),
                                     Qt::AlignCenter | Qt::TextWordWrap, m_notice);
    box.adjust(-12, -8, 12, 8);
    p.save();
    p.setPen(QColor(200, 200, 205));
    p.setBrush(QColor(255, 255, 255, 225));
    p.drawRoundedRect(box, 4, 4);
    p.setPen(QColor(60, 60, 70));
    p.drawText(box, Qt::AlignCenter | Qt::TextWordWrap, m_notice);
    p.restore();
}

void TimelineView::setEventFilter(const EventFilter& filter) {
    m_filter = filter;
    keepFilteredSpans();
    rebuildRows();
    update();
}

void TimelineView::setGraphFilter(GraphFilter mode) {
    if (mode == m_graphFilter) return;
    m_graphFilter = mode;
    keepFilteredSpans();
    rebuildRows();
    update();
}

bool TimelineView::filtersGraph() const {
    return m_graphFilter != GraphFilter::Off;
}

bool TimelineView::filteredOut(const Row& row) const {
    if (!filtersGraph()) return false;
    if (row.kind == RowKind::Cpu) return !m_filter.selectsCpu(static_cast<uint32_t>(row.id));
    if (row.kind == RowKind::Task) return !m_filter.selectsPid(static_cast<int32_t>(row.id));
    return false;
}

// One pass over the CPU spans when the filter or the mode changes, so that drawing the
// kept tasks alone folds spans as fast as drawing all of them.
void TimelineView::keepFilteredSpans() {
    m_keptSpans.clear();
    if (!m_timeline || !filtersGraph() || m_filter.pids.empty()) return;
    m_keptSpans.resize(m_timeline->cpus.size());
    for (size_t c = 0; c < m_timeline->cpus.size(); ++c) {
        const SpanTrack& all = m_timeline->cpus[c];
        for (size_t i = 0; i < all.size(); ++i) {
            if (m_filter.selectsPid(all.value[i]))
                m_keptSpans[c].add(all.start[i], all.end[i], all.value[i], all.cpu[i]);
        }
    }
}

// Dimmed: every span faded, the kept ones over them as they are. Hidden: the kept only.
void TimelineView::paintCpuSpans(QPainter& p, const QRectF& r, int cpu) {
    if (m_keptSpans.empty()) return paintCpuRow(p, r, m_timeline->cpus[cpu], *m_timeline, m_scale);
    if (m_graphFilter == GraphFilter::Dim) {
        paintCpuRow(p, r, m_timeline->cpus[cpu], *m_timeline, m_scale);
        p.fillRect(r, QColor(255, 255, 255, 190));
    }
    paintCpuRow(p, r, m_keptSpans[cpu], *m_timeline, m_scale);
}

void TimelineView::paintRows(QPainter& p, QSize size) {
    p.save();
    p.setClipRect(
        QRect(kLabelWidth, kRulerHeight, size.width() - kLabelWidth, size.height() - kRulerHeight));
    p.translate(kLabelWidth, kRulerHeight - m_scrollY);
    const std::vector<uint64_t> ticks = rulerTicks(m_scale, 110);
    for (size_t k = 0; k < m_rows.rows().size(); ++k) {
        const Row& row = m_rows.rows()[k];
        const double top = kRulerHeight + row.y - m_scrollY;
        if (top > size.height() || top + row.h < kRulerHeight) continue;
        QRectF r(0, row.y, m_scale.width, row.h);
        if (row.kind == RowKind::CallLane)
            p.fillRect(r, QColor(252, 251, 248));
        else if (k % 2)
            p.fillRect(r, QColor(246, 247, 250));
        for (uint64_t t : ticks) {  // grid under the spans
            double x = m_scale.toX(t);
            p.fillRect(QRectF(x, r.top(), 1, r.height()), QColor(228, 230, 235));
        }
        if (row.kind == RowKind::Cpu) {
            if (m_timeline) {
                paintCpuSpans(p, r, row.id);
                paintLostGaps(p, r, *m_timeline, row.id, m_scale);
                paintPrintFlags(p, r, *m_timeline, row.id, -1, m_scale);
            } else {
                paintFramePreview(p, r, *m_model, row.id, m_scale);
            }
        } else if (row.kind == RowKind::Task && m_timeline) {
            paintTaskRow(p, r, row.id, *m_timeline, m_scale, m_cpuNames);
            paintPrintFlags(p, r, *m_timeline, -1, row.id, m_scale);
        } else if (row.kind == RowKind::CallLane) {
            paintCallRow(p, r, row);
        } else if (row.kind == RowKind::TaskHeader) {
            p.fillRect(r, QColor(232, 235, 240));
        } else if (row.kind == RowKind::BufferHeader) {
            const bool collapsed = bufferCollapsed(row.id);
            paintBufferHeader(p, r, *m_model, m_timeline.get(), m_rows.cpusOf(row.id), collapsed,
                              m_scale);
        }
        if (filteredOut(row)) p.fillRect(r, QColor(255, 255, 255, 190));
    }
    paintTicks(p);
    paintWakeups(p);
    paintCallSelection(p);
    p.restore();
}

void TimelineView::paintLabels(QPainter& p, QSize size) {
    p.fillRect(QRect(0, kRulerHeight, kLabelWidth, size.height() - kRulerHeight),
               QColor(238, 240, 244));
    p.save();
    p.setClipRect(QRect(0, kRulerHeight, kLabelWidth, size.height() - kRulerHeight));
    QFontMetrics fm(p.font());
    for (const Row& row : m_rows.rows()) {
        QRectF r(6, kRulerHeight + row.y - m_scrollY, kLabelWidth - 10, row.h);
        const QString text = rowLabel(row);
        if (row.kind == RowKind::BufferHeader) {
            paintBufferHeaderLabel(p, QRectF(0, r.top(), kLabelWidth, r.height()), rowLabel(row),
                                   cpuCount(m_rows.cpusOf(row.id)), bufferCollapsed(row.id));
            continue;
        }
        if (row.kind == RowKind::TaskHeader) {
            p.setPen(Qt::darkGray);
            p.drawText(r, Qt::AlignVCenter | Qt::AlignLeft, text);
            continue;
        }
        if (row.kind == RowKind::CallLane) {  // the level, small, right of the row's name
            p.setPen(QColor(130, 130, 140));
            p.drawText(r.adjusted(0, 0, -4, 0), Qt::AlignVCenter | Qt::AlignRight, text);
            continue;
        }
        if (row.kind == RowKind::Task) {
            p.fillRect(QRectF(r.left() - 4, r.top() + 4, 4, r.height() - 8), taskColor(row.id));
        } else if (m_rows.grouped()) {
            r.adjust(12, 0, 0, 0);  // a CPU under its buffer's header
        }
        if (hasCalls(row.kind, row.id)) {  // a triangle that shows or hides its calls
            paintCallToggle(p, r, row);
            r.adjust(14, 0, 0, 0);
        }
        p.setPen(Qt::black);
        p.drawText(r, Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(text, Qt::ElideRight, int(r.width())));
    }
    p.restore();
}

// Under a buffer header the CPU rows need no buffer name: "cpu1", not "irq cpu1".
QString TimelineView::rowLabel(const Row& row) const {
    switch (row.kind) {
        case RowKind::BufferHeader:
            return bufferTitle(*m_model, row.id);
        case RowKind::Cpu:
            return m_rows.grouped()
                       ? QStringLiteral("cpu%1").arg(m_model->meta().cpus.at(row.id).cpu)
                       : qs(m_model->cpuLabel(row.id));
        case RowKind::TaskHeader:
            return m_state->tasks().isEmpty() ? tr("Tasks: Ctrl+T to add") : tr("Tasks");
        case RowKind::Task: {
            const TaskSummary* s = m_timeline ? m_timeline->task(row.id) : nullptr;
            return QStringLiteral("%1-%2").arg(s ? qs(s->comm) : QStringLiteral("?")).arg(row.id);
        }
        case RowKind::CallLane:
            return tr("level %1").arg(row.level);
    }
    return {};
}

void TimelineView::paintRuler(QPainter& p, QSize size) {
    p.fillRect(QRect(0, 0, size.width(), kRulerHeight), QColor(228, 231, 236));
    const uint64_t step = rulerStep(m_scale.nsPerPx, 110);
    p.setPen(Qt::black);
    p.drawText(QRect(6, 0, kLabelWidth - 8, kRulerHeight), Qt::AlignVCenter | Qt::AlignLeft,
               tr("%1 / tick").arg(qs(formatDuration(step))));
    p.save();
    p.setClipRect(QRect(kLabelWidth, 0, size.width() - kLabelWidth, size.height()));
    const QFontMetricsF fm(p.font());
    double labelEnd = -1e9;  // right edge of the last label drawn
    for (uint64_t t : rulerTicks(m_scale, 110)) {
        double x = xForTime(t);
        p.setPen(QColor(90, 90, 90));
        p.drawLine(QPointF(x, kRulerHeight - 8), QPointF(x, kRulerHeight));
        // A label goes right of its tick; one that would run past the edge goes left of
        // it, or is left out when the label before it is in the way.
        const QString label = qs(formatTime(t, step));
        const double w = fm.horizontalAdvance(label);
        double left = x + 3;
        if (left + w > size.width() - 2) left = x - 3 - w;
        if (left > labelEnd + 6) {
            p.drawText(QPointF(left, kRulerHeight - 10), label);
            labelEnd = left + w;
        }
        for (int sub = 1; sub < 5; ++sub) {  // minor ticks
            double xs = xForTime(t + step * sub / 5);
            p.setPen(QColor(120, 120, 120));
            p.drawLine(QPointF(xs, kRulerHeight - 4), QPointF(xs, kRulerHeight));
        }
    }
    p.restore();
}

void TimelineView::setHighlightedInterval(std::optional<Interval> interval) {
    if (interval == m_interval) return;
    m_interval = interval;
    update();
}

void TimelineView::showInterval(const Interval& interval) {
    setHighlightedInterval(interval);
    const uint64_t length = interval.end - interval.start;
    const uint64_t margin = std::max<uint64_t>(length / 10, 20);
    const uint64_t from = interval.start > margin ? interval.start - margin : 0;
    setScale(TimeScale::fit(from, interval.end + margin, std::max(1, width() - kLabelWidth)));
}

// A band from start to end on the rows concerned, with the start event marked by a
// triangle pointing right and the end event by one pointing left: the two may be on
// different CPUs, and either may be a pixel away from the other when zoomed out.
void TimelineView::paintInterval(QPainter& p) {
    if (!m_interval) return;
    const Interval& in = *m_interval;
    const double x0 = xForTime(in.start);
    const double x1 = std::max(xForTime(in.end), x0 + 2);
    const QColor band(255, 140, 0, 70), edge(200, 80, 0);
    auto bandOn = [&](const QRectF& row) {
        if (row.isEmpty()) return;
        p.fillRect(QRectF(x0, row.top(), x1 - x0, row.height()), band);
        p.setPen(QPen(edge, 1));
        p.drawLine(QPointF(x0, row.top()), QPointF(x0, row.bottom()));
        p.drawLine(QPointF(x1, row.top()), QPointF(x1, row.bottom()));
    };
    const QRectF startRow = in.startCpu >= 0 ? cpuRowRect(size_t(in.startCpu)) : QRectF();
    const QRectF endRow = in.endCpu >= 0 ? cpuRowRect(size_t(in.endCpu)) : QRectF();
    bandOn(startRow);
    if (in.endCpu != in.startCpu) bandOn(endRow);
    if (in.pid > 0) bandOn(taskRowRect(in.pid));
    auto mark = [&](const QRectF& row, double x, bool pointsRight) {
        if (row.isEmpty()) return;
        const double s = std::min(7.0, row.height() / 2);
        const double y = row.center().y();
        const double d = pointsRight ? s : -s;
        QPolygonF tri({QPointF(x, y - s), QPointF(x + d, y), QPointF(x, y + s)});
        p.setPen(QPen(Qt::white, 1));
        p.setBrush(edge);
        p.drawPolygon(tri);
    };
    mark(startRow, x0, true);
    mark(endRow, x1, false);
    p.setBrush(Qt::NoBrush);
    // The length in a box at the top of the ruler, where marker flags go.
    const QString text = qs(formatDuration(in.end - in.start));
    const QFontMetrics fm(p.font());
    const QRectF box(std::max<double>(x0, kLabelWidth) + 3, 0, fm.horizontalAdvance(text) + 8, 15);
    p.fillRect(box, QColor(255, 240, 220));
    p.setPen(edge);
    p.drawRect(box);
    p.drawText(box, Qt::AlignCenter, text);
}

void TimelineView::paintOverlays(QPainter& p, QSize size) {
    p.save();
    p.setClipRect(QRect(kLabelWidth, 0, size.width() - kLabelWidth, size.height()));
    paintInterval(p);
    TimeRange sel = m_state->selection();
    if (!sel.empty()) {
        double x0 = xForTime(sel.from), x1 = xForTime(sel.to);
        p.fillRect(QRectF(x0, 0, std::max(1.0, x1 - x0), size.height()), QColor(60, 120, 220, 50));
        p.setPen(QColor(30, 80, 180));
        p.drawText(QPointF(std::max<double>(x0, kLabelWidth) + 3, kRulerHeight + 12),
                   qs(formatDuration(sel.to - sel.from)));
    }
    auto marker = [&](const std::optional<Marker>& m, QColor c, const QString& name) {
        if (!m) return;
        double x = xForTime(m->time);
        p.setPen(QPen(c, 1.5));
        p.drawLine(QPointF(x, 0), QPointF(x, size.height()));
        p.fillRect(QRectF(x - 7, 0, 14, 14), c);
        p.setPen(Qt::white);
        p.drawText(QRectF(x - 7, 0, 14, 14), Qt::AlignCenter, name);
    };
    if (const uint64_t cursor = m_state->cursorTime(); cursor != 0) {  // set by any view
        p.setPen(QPen(QColor(30, 80, 200), 1, Qt::DotLine));
        p.drawLine(QPointF(xForTime(cursor), kRulerHeight),
                   QPointF(xForTime(cursor), size.height()));
    }
    marker(m_state->markerA(), QColor(0, 150, 60), "A");
    marker(m_state->markerB(), QColor(200, 30, 30), "B");
    if (m_state->markerA() && m_state->markerB()) {  // the delta, in the ruler beside B's flag
        uint64_t a = m_state->markerA()->time, b = m_state->markerB()->time;
        QString delta =
            tr("B-A %1%2").arg(b < a ? "-" : "").arg(qs(formatDuration(b < a ? a - b : b - a)));
        QFontMetrics fm(p.font());
        const double w = fm.horizontalAdvance(delta) + 8;
        double x = xForTime(b) + 9;
        if (x + w > size.width()) x = xForTime(b) - 9 - w;
        QRectF box(x, 0, w, 15);
        p.fillRect(box, QColor(255, 255, 220));
        p.setPen(Qt::black);
        p.drawText(box, Qt::AlignCenter, delta);
    }
    if (m_hoverX >= kLabelWidth && underMouse()) {
        p.setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DashLine));
        p.drawLine(QPointF(m_hoverX, kRulerHeight), QPointF(m_hoverX, size.height()));
    }
    p.restore();
}

void TimelineView::collectTicks() {
    const uint64_t from = m_scale.start, to = m_scale.end();
    if (from == m_ticksFrom && to == m_ticksTo) return;
    m_ticksFrom = from;
    m_ticksTo = to;
    m_ticks.clear();
    if (!m_model || double(to - from) > kTickWindowNs) return;
    CursorOptions options;
    options.from = from;
    options.to = to;
    EventCursor cursor(*m_model, options);
    cursor.seek(from);
    EventRef ev;
    const bool big = m_model->meta().bigEndian;
    while (m_ticks.size() < kMaxTicks && cursor.next(ev)) {
        uint16_t type = 0;
        int32_t pid = -1;
        // common_type and common_pid: the payload's first u16 and the i32 at offset 4
        // (struct trace_entry, include/linux/trace_events.h).
        if (ev.raw.size >= 2) type = load16(ev.raw.data, big);
        if (ev.raw.size >= 8) pid = static_cast<int32_t>(load32(ev.raw.data + 4, big));
        m_ticks.push_back({ev.ts, ev.cpu, type, pid});
    }
}

void TimelineView::paintTicks(QPainter& p) {
    if (m_ticks.empty()) return;
    const QColor kept(40, 40, 40), dimmed(200, 200, 200);
    for (const Row& row : m_rows.rows()) {
        if (row.kind != RowKind::Cpu) continue;
        double last = -1;
        for (const Tick& k : m_ticks) {
            if (k.cpu != static_cast<uint32_t>(row.id)) continue;
            const bool out =
                filtersGraph() && !(m_filter.selectsType(k.type) && m_filter.selectsPid(k.pid));
            if (out && m_graphFilter == GraphFilter::Hide) continue;
            double x = std::floor(m_scale.toX(k.ts));
            if (x == last && !out) continue;
            last = x;
            p.setPen(out ? dimmed : kept);
            p.drawLine(QPointF(x + 0.5, row.y + row.h - 5), QPointF(x + 0.5, row.y + row.h));
        }
    }
}

void TimelineView::paintWakeups(QPainter& p) {
    if (!m_timeline || m_state->tasks().isEmpty() ||
        m_scale.nsPerPx * m_scale.width > kArrowWindowNs)
        return;
    auto [lo, hi] =
        visibleIndices(m_timeline->wakeups, m_scale, [](const Wakeup& w) { return w.ts; });
    if (hi - lo > kMaxArrows) return;
    auto rowCenter = [&](RowKind kind, int id) -> double {
        const Row* r = m_rows.find(kind, id);
        return r ? r->y + r->h / 2 : -1;  // -1: no row, or in a collapsed group
    };
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const QColor c(20, 20, 20, 200);
    p.setPen(QPen(c, 1.2));
    p.setBrush(c);
    for (size_t i = lo; i < hi; ++i) {
        const Wakeup& w = m_timeline->wakeups[i];
        double to = rowCenter(RowKind::Task, w.wakee);
        double from = rowCenter(RowKind::Task, w.waker);
        if (to < 0 && from < 0) continue;  // neither end is a chosen task
        if (from < 0) from = rowCenter(RowKind::Cpu, w.wakerCpu);
        if (to < 0) to = rowCenter(RowKind::Cpu, w.targetCpu);
        if (from < 0 || to < 0 || from == to) continue;
        double x = m_scale.toX(w.ts);
        p.drawLine(QPointF(x, from), QPointF(x, to));
        double dir = to > from ? -1 : 1;
        const QPointF head[3] = {{x, to}, {x - 4, to + dir * 7}, {x + 4, to + dir * 7}};
        p.drawPolygon(head, 3);
    }
    p.restore();
}

}  // namespace kestrel
