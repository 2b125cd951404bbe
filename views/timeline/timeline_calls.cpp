// TimelineView's flame chart: function_graph calls on lanes under the CPU and task rows
// the user expands (TimelineState::expandedRows), drawn by flame/call_chart_painter.h
// from one CallRowIndex per expanded row.
#include <QMenu>
#include <QPainter>
#include <algorithm>
#include <chrono>

#include "decode/trace_model.h"
#include "flame/call_chart_index.h"
#include "flame/call_chart_painter.h"
#include "flame/call_cut_text.h"
#include "flame/function_colors.h"
#include "formats/event_formats.h"
#include "jobs/background_pass.h"
#include "timeline/timeline_view.h"

namespace kestrel {
namespace {

constexpr size_t kLegendFunctions = 8;
// Larger rows are indexed off the UI thread. A task's calls are taken in order (about
// 10 ms for 280 k calls on a loaded machine); a CPU's are found among all the calls and
// sorted (90 ms for 740 k of 1.48 M calls), so what counts there is the trace's calls.
constexpr uint64_t kInlineTaskCalls = 1000000;
constexpr uint64_t kInlineTraceCallsForCpu = 300000;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

uint64_t taskCalls(const CallTrees& trees, int pid) {
    uint64_t n = 0;
    for (const CallLane& l : trees.lanes) n += l.pid == pid ? l.count : 0;
    return n;
}

bool parseKey(const QString& key, RowKind* kind, int* id) {
    const qsizetype colon = key.indexOf(':');
    if (colon < 0) return false;
    const QString what = key.left(colon);
    bool ok = false;
    *id = key.mid(colon + 1).toInt(&ok);
    if (what == QLatin1String("task"))
        *kind = RowKind::Task;
    else if (what == QLatin1String("cpu"))
        *kind = RowKind::Cpu;
    else
        return false;
    return ok;
}

}  // namespace

QString TimelineView::rowKey(RowKind kind, int id) {
    return (kind == RowKind::Cpu ? QStringLiteral("cpu:%1") : QStringLiteral("task:%1")).arg(id);
}

void TimelineView::setCallTrees(std::shared_ptr<const CallTrees> trees) {
    if (m_indexPass) m_indexPass->cancel();
    m_calls = std::move(trees);
    m_callIndex.clear();
    m_selectedCall.reset();
    m_pendingShow.reset();
    m_cpuCalls.clear();
    if (m_calls) {
        for (const CallSpan& s : m_calls->spans) {
            if (m_cpuCalls.size() <= s.cpu) m_cpuCalls.resize(s.cpu + 1u);
            ++m_cpuCalls[s.cpu];
        }
    }
    nameCalls();
    syncCallIndex();
    rebuildRows();
    update();
}

// Names and colours once per call trees (and formats), never per paint.
void TimelineView::nameCalls() {
    m_functionNames.clear();
    m_functionColors.clear();
    m_nameWidths.clear();
    if (!m_calls) return;
    const size_t n = m_calls->functions.size();
    m_functionNames.reserve(qsizetype(n));
    for (uint32_t f = 0; f < n; ++f) {
        m_functionNames << (m_formats ? qs(m_calls->functionName(f, *m_formats))
                                      : QStringLiteral("%1").arg(m_calls->functions[f], 0, 16));
        m_functionColors.push_back(functionColor(m_functionNames.back()).rgb());
    }
    m_nameWidths.assign(n, -1);
    setCallHighlight(m_highlight);
}

void TimelineView::setCallHighlight(const QString& text) {
    m_highlight = text;
    m_strong.clear();
    if (!text.isEmpty()) {
        m_strong.resize(size_t(m_functionNames.size()));
        for (qsizetype f = 0; f < m_functionNames.size(); ++f)
            m_strong[size_t(f)] = m_functionNames[f].contains(text, Qt::CaseInsensitive);
    }
    update();
}

bool TimelineView::hasCalls(RowKind kind, int id) const {
    if (!m_calls) return false;
    if (kind == RowKind::Cpu) return id >= 0 && size_t(id) < m_cpuCalls.size() && m_cpuCalls[id];
    if (kind != RowKind::Task) return false;
    return std::any_of(m_calls->lanes.begin(), m_calls->lanes.end(),
                       [id](const CallLane& l) { return l.pid == id && l.count > 0; });
}

void TimelineView::setCallsShown(RowKind kind, int id, bool shown) {
    m_state->setRowExpanded(rowKey(kind, id), shown);
}

bool TimelineView::indexingCalls() const {
    return m_indexPass && m_indexPass->running();
}

// Builds the index of each newly expanded row and drops those of rows collapsed since.
// Small rows are indexed in place; big ones on a thread of their own, their lanes added
// when it is done, so the UI thread never waits long for them.

void TimelineView::syncCallIndex() {
    std::map<QString, std::shared_ptr<const CallRowIndex>> kept;
    std::vector<std::pair<QString, std::pair<RowKind, int>>> later;
    if (m_calls) {
        for (const QString& key : m_state->expandedRows()) {
            RowKind kind;
            int id;
            if (!parseKey(key, &kind, &id) || !hasCalls(kind, id)) continue;
            auto it = m_callIndex.find(key);
            if (it != m_callIndex.end()) {
                kept[key] = it->second;
                continue;
            }
            if (kind == RowKind::Cpu ? m_calls->spans.size() > kInlineTraceCallsForCpu
                                     : taskCalls(*m_calls, id) > kInlineTaskCalls) {
                later.push_back({key, {kind, id}});
                continue;
            }
            kept[key] = std::make_shared<const CallRowIndex>(
                kind == RowKind::Cpu ? CallRowIndex::forCpu(*m_calls, id)
                                     : CallRowIndex::forTask(*m_calls, id));
        }
    }
    m_callIndex = std::move(kept);
    if (!m_indexPass) m_indexPass = new BackgroundPass(this);
    if (later.empty()) {
        m_indexPass->cancel();
        return;
    }
    auto built = std::make_shared<std::map<QString, std::shared_ptr<const CallRowIndex>>>();
    std::shared_ptr<const CallTrees> trees = m_calls;
    m_indexPass->start(
        [later, built, trees](Progress& progress) {
            for (const auto& [key, row] : later) {
                if (progress.cancelled()) return;
                (*built)[key] = std::make_shared<const CallRowIndex>(
                    row.first == RowKind::Cpu ? CallRowIndex::forCpu(*trees, row.second)
                                              : CallRowIndex::forTask(*trees, row.second));
            }
        },
        [this, built, trees] {
            if (trees != m_calls) return;
            for (auto& [key, index] : *built) {
                if (m_state->rowExpanded(key)) m_callIndex[key] = index;
            }
            rebuildRows();
            if (m_pendingShow) scrollToCall(*std::exchange(m_pendingShow, std::nullopt));
            update();
        });
}

const CallRowIndex* TimelineView::callIndex(RowKind kind, int id) const {
    auto it = m_callIndex.find(rowKey(kind, id));
    return it == m_callIndex.end() ? nullptr : it->second.get();
}

const CallLane* TimelineView::laneOf(uint64_t span) const {
    if (!m_calls || span >= m_calls->spans.size()) return nullptr;
    auto it = std::upper_bound(m_calls->lanes.begin(), m_calls->lanes.end(), span,
                               [](uint64_t s, const CallLane& l) { return s < l.first; });
    if (it == m_calls->lanes.begin()) return nullptr;
    --it;
    return span < it->first + it->count ? &*it : nullptr;
}

QRectF TimelineView::callLaneRect(RowKind parent, int id, int level) const {
    return rowRect(m_rows.findLane(parent, id, level));
}

QRectF TimelineView::callRect(uint64_t span, RowKind parent) const {
    const CallLane* lane = laneOf(span);
    if (!lane) return {};
    const CallSpan& s = m_calls->spans[span];
    const int id = parent == RowKind::Cpu ? int(s.cpu) : lane->pid;
    const QRectF r = callLaneRect(parent, id, s.depth);
    if (r.isEmpty()) return {};
    const double x0 = xForTime(s.start), x1 = xForTime(s.end());
    return QRectF(x0, r.top(), std::max(1.0, x1 - x0), r.height());
}

std::optional<uint64_t> TimelineView::callAt(QPoint pos) const {
    const Row* row = rowAt(pos.y());
    if (!row || row->kind != RowKind::CallLane || pos.x() < kLabelWidth || !m_calls) return {};
    const CallRowIndex* index = callIndex(row->parent, row->id);
    if (!index) return {};
    const uint64_t slack = uint64_t(m_scale.nsPerPx);  // a pixel's worth either side
    return index->callAt(*m_calls, row->level, timeAtX(pos.x() + 0.5), slack);
}

void TimelineView::zoomToCall(uint64_t span) {
    if (!m_calls || span >= m_calls->spans.size()) return;
    const CallSpan& s = m_calls->spans[span];
    const uint64_t margin = std::max<uint64_t>(s.duration / 10, 20);
    const uint64_t from = s.start > margin ? s.start - margin : 0;
    setScale(TimeScale::fit(from, s.end() + margin, std::max(1, width() - kLabelWidth)));
}

void TimelineView::showCall(uint64_t span) {
    const CallLane* lane = laneOf(span);
    if (!lane) return;
    const CallSpan& s = m_calls->spans[span];
    RowKind kind = RowKind::Task;
    int id = lane->pid;
    if (lane->idleCpu >= 0) {  // the idle tasks have no task row of their own
        kind = RowKind::Cpu;
        id = int(s.cpu);
    } else {
        m_state->addTask(id);
    }
    setCallsShown(kind, id, true);
    zoomToCall(span);
    m_selectedCall = span;
    if (callIndex(kind, id))
        scrollToCall(span);
    else
        m_pendingShow = span;  // its lanes come when the row's index is built
    update();
}

// Scrolls the rows so that the call's lane (on its task's row, else its CPU's) is in view.
void TimelineView::scrollToCall(uint64_t span) {
    const CallLane* lane = laneOf(span);
    if (!lane) return;
    const CallSpan& s = m_calls->spans[span];
    const Row* row = lane->idleCpu < 0 ? m_rows.findLane(RowKind::Task, lane->pid, s.depth)
                                       : m_rows.findLane(RowKind::Cpu, s.cpu, s.depth);
    if (!row) return;
    const double visible = std::max(1, height() - kRulerHeight);
    if (row->y < m_scrollY || row->y + row->h > m_scrollY + visible) {
        const double maxScroll = std::max(0.0, rowsHeight() - visible);
        m_scrollY = std::clamp(row->y - visible / 2, 0.0, maxScroll);
    }
    update();
}

QString TimelineView::describeCall(uint64_t span) const {
    const CallSpan& s = m_calls->spans[span];
    const CallLane* lane = laneOf(span);
    QString text = QStringLiteral("%1\nduration %2, self %3\nstart %4, level %5")
                       .arg(m_functionNames.value(int(s.function)), qs(formatDuration(s.duration)),
                            qs(formatDuration(lane ? m_calls->selfTime(span, *lane) : 0)),
                            qs(formatTime(s.start)))
                       .arg(s.depth);
    if (lane) {
        const TaskSummary* t = m_timeline ? m_timeline->task(lane->pid) : nullptr;
        const QString comm =
            lane->idleCpu >= 0 ? QStringLiteral("idle") : (t ? qs(t->comm) : QStringLiteral("?"));
        text += QStringLiteral("\ntask %1-%2 on %3")
                    .arg(comm)
                    .arg(lane->pid)
                    .arg(qs(m_model->cpuLabel(s.cpu)));
    }
    const QString cut = callCutReasons(s).join(QLatin1Char('\n'));
    if (!cut.isEmpty()) text += "\n" + cut;
    return text;
}

// ---- painting ---------------------------------------------------------------------

void TimelineView::paintCallRow(QPainter& p, const QRectF& r, const Row& row) {
    const CallRowIndex* index = callIndex(row.parent, row.id);
    if (!index || row.level >= index->levelCount()) return;
    CallChartStyle style;
    style.trees = m_calls.get();
    style.names = &m_functionNames;
    style.colors = &m_functionColors;
    style.strong = &m_strong;
    style.nameWidths = &m_nameWidths;
    paintCallLane(p, r, index->levels()[size_t(row.level)], m_scale, style, &m_functionPixels);
}

// An outline around the selected call wherever a lane shows it (its task's row, its CPU's
// row), at least a few pixels wide so a call under a pixel can still be found.
void TimelineView::paintCallSelection(QPainter& p) {
    if (!m_selectedCall || !m_calls) return;
    const CallLane* lane = laneOf(*m_selectedCall);
    if (!lane) return;
    const CallSpan& s = m_calls->spans[*m_selectedCall];
    const Row* rows[2] = {m_rows.findLane(RowKind::Task, lane->pid, s.depth),
                          m_rows.findLane(RowKind::Cpu, s.cpu, s.depth)};
    if (lane->idleCpu >= 0) rows[0] = nullptr;
    p.save();
    p.setPen(QPen(QColor(20, 60, 200), 2));
    p.setBrush(Qt::NoBrush);
    for (const Row* row : rows) {
        if (!row) continue;
        double x0 = std::max(-2.0, m_scale.toX(s.start));
        double x1 = std::min(m_scale.width + 2.0, m_scale.toX(s.end()));
        if (x1 - x0 < 3) {
            const double mid = (x0 + x1) / 2;
            x0 = mid - 1.5;
            x1 = mid + 1.5;
        }
        p.drawRect(QRectF(x0, row->y + 1, x1 - x0, row->h - 2));
    }
    p.restore();
}

void TimelineView::paintCallToggle(QPainter& p, const QRectF& r, const Row& row) {
    const bool open = m_state->rowExpanded(rowKey(row.kind, row.id));
    const QPointF c(r.left() + 6, r.center().y());
    QPolygonF tri;
    if (open)
        tri << QPointF(c.x() - 4, c.y() - 2) << QPointF(c.x() + 4, c.y() - 2)
            << QPointF(c.x(), c.y() + 3);
    else
        tri << QPointF(c.x() - 2, c.y() - 4) << QPointF(c.x() + 3, c.y())
            << QPointF(c.x() - 2, c.y() + 4);
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(70, 70, 80));
    p.drawPolygon(tri);
    p.restore();
}

void TimelineView::updateVisibleFunctions() {
    std::vector<std::pair<double, uint32_t>> top;
    top.reserve(m_functionPixels.touched.size());
    for (uint32_t f : m_functionPixels.touched) top.push_back({m_functionPixels.pixels[f], f});
    const size_t n = std::min(kLegendFunctions, top.size());
    std::partial_sort(top.begin(), top.begin() + ptrdiff_t(n), top.end(),
                      [](const auto& a, const auto& b) {
                          return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    std::vector<FunctionShare> shares;
    for (size_t i = 0; i < n; ++i) {
        const uint32_t f = top[i].second;
        shares.push_back({m_functionNames.value(int(f)), QColor(m_functionColors[f])});
    }
    m_functionPixels.clear();
    if (shares == m_visibleFunctions) return;
    m_visibleFunctions = std::move(shares);
    emit visibleFunctionsChanged();
}

void TimelineView::callMenu(QMenu& menu, const Row& row) {
    const RowKind kind = row.kind == RowKind::CallLane ? row.parent : row.kind;
    const int id = row.id;
    if (!hasCalls(kind, id)) return;
    const bool shown = m_state->rowExpanded(rowKey(kind, id));
    menu.addAction(shown ? tr("Hide calls") : tr("Show calls"), this,
                   [this, kind, id, shown] { setCallsShown(kind, id, !shown); });
}

}  // namespace kestrel
