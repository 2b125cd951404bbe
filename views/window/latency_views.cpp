#include "window/latency_views.h"

#include <QFileInfo>

#include "decode/trace_model.h"
#include "events/event_panel.h"
#include "formats/event_formats.h"
#include "jobs/background_pass.h"
#include "latency/latency_chart_bins.h"
#include "timeline/timeline_view.h"
#include "window/call_views.h"
#include "window/main_window.h"

namespace kestrel {

namespace {

bool anyOf(const EventFormats& formats, const std::vector<uint64_t>& eventsByType,
           const std::function<bool(const EventType&)>& pick) {
    for (const EventType& t : formats.types()) {
        if (t.id >= 0 && size_t(t.id) < eventsByType.size() && eventsByType[size_t(t.id)] > 0 &&
            pick(t))
            return true;
    }
    return false;
}

}  // namespace

std::array<QString, kLatencyKinds> latencyKindReasons(const EventFormats& formats,
                                                      const std::vector<uint64_t>& eventsByType,
                                                      bool calls) {
    auto has = [&](const char* system, const char* name) {
        return recordedEvent(formats, eventsByType, system, name);
    };
    auto need = [](bool ok, const char* what) {
        return ok ? QString() : QString::fromLatin1(what);
    };
    std::array<QString, kLatencyKinds> r;
    r[size_t(LatencyKind::Wakeup)] =
        need(has("sched", "sched_switch") &&
                 (has("sched", "sched_waking") || has("sched", "sched_wakeup") ||
                  has("sched", "sched_wakeup_new")),
             "no sched_waking/sched_wakeup with sched_switch records");
    r[size_t(LatencyKind::Irq)] =
        need(has("irq", "irq_handler_entry") && has("irq", "irq_handler_exit"),
             "no irq_handler_entry/irq_handler_exit records");
    r[size_t(LatencyKind::Softirq)] =
        need(has("irq", "softirq_entry") && has("irq", "softirq_exit"),
             "no softirq_entry/softirq_exit records");
    r[size_t(LatencyKind::SoftirqRaise)] =
        need(has("irq", "softirq_raise") && has("irq", "softirq_entry"),
             "no softirq_raise/softirq_entry records");
    const bool syscalls =
        (has("raw_syscalls", "sys_enter") && has("raw_syscalls", "sys_exit")) ||
        anyOf(formats, eventsByType, [](const EventType& t) { return t.system == "syscalls"; });
    r[size_t(LatencyKind::Syscall)] = need(syscalls, "no sys_enter/sys_exit records");
    r[size_t(LatencyKind::Function)] = need(calls, "no function_graph records");
    r[size_t(LatencyKind::Kprobe)] =
        need(anyOf(formats, eventsByType, [](const EventType& t) { return t.system == "kprobes"; }),
             "no kprobe events");
    r[size_t(LatencyKind::Marker)] = need(has("ftrace", "print"), "no trace_marker records");
    return r;  // a custom pair is the user's to define
}

LatencyViews::LatencyViews(MainWindow* window)
    : QObject(window),
      m_window(window),
      m_pass(new BackgroundPass(this)),
      m_comparePass(new BackgroundPass(this)),
      m_analysis(
          [](const TraceModel& model, const EventFormats& formats, const LatencyRequest& request,
             Progress* progress) { return analyzeLatency(model, formats, request, progress); }) {
    connect(window->callViews(), &CallViews::built, this, [this] {
        if (m_waitingForCalls) runOnCalls();
    });
    connect(window->state(), &TimelineState::selectionChanged, this,
            &LatencyViews::followSelection);
}

LatencyViews::~LatencyViews() {
    // The passes read the model: they must be done before it goes.
    m_pass->cancel();
    m_comparePass->cancel();
}

void LatencyViews::start(std::shared_ptr<const TraceModel> model, const EventFormats& formats,
                         std::shared_ptr<const SchedTimeline> timeline) {
    if (model != m_model) clear();
    m_model = std::move(model);
    m_formats = &formats;
    m_timeline = std::move(timeline);
    if (!m_model || !m_timeline) return;
    const auto& counts = m_timeline->counts.eventsByType;
    const bool calls =
        hasCallRecords(formats) && (recordedEvent(formats, counts, "ftrace", "funcgraph_entry") ||
                                    recordedEvent(formats, counts, "ftrace", "funcgraph_exit"));
    if (!m_panel) {
        m_panel = new LatencyPanel;
        m_panel->setObjectName(QStringLiteral("latencyPanel"));
        m_window->addBottomWidget(m_panel, tr("Latency"));
        connect(m_panel, &LatencyPanel::runRequested, this, &LatencyViews::run);
        connect(m_panel, &LatencyPanel::instanceChosen, this, &LatencyViews::showInstance);
        connect(m_panel, &LatencyPanel::savedPairsChanged, m_window->state(),
                &TimelineState::setLatencyPairs);
    }
    m_panel->setAvailability(latencyKindReasons(formats, counts, calls));
    QStringList events;
    for (const EventType& t : formats.types()) {
        if (t.id >= 0 && size_t(t.id) < counts.size() && counts[size_t(t.id)] > 0)
            events << QString::fromStdString(t.system + ":" + t.name);
    }
    events.sort();
    m_panel->setEventNames(events);
    m_panel->setSavedPairs(m_window->state()->latencyPairs());
    QStringList cpus;
    for (size_t i = 0; i < m_model->cpuCount(); ++i)
        cpus << QString::fromStdString(m_model->cpuLabel(i));
    m_panel->setNames(
        [timeline = m_timeline](int32_t pid) {
            if (pid == 0) return QStringLiteral("<idle>");
            const TaskSummary* task = timeline->task(pid);
            return task ? QString::fromStdString(task->comm) : QString();
        },
        cpus);
    m_panel->setTraceRange(m_model->startTime(), m_model->endTime());
    followSelection();
}

void LatencyViews::followSelection() {
    if (!m_panel) return;
    const TimeRange s = m_window->state()->selection();
    m_panel->setTimeRange(s.from, s.empty() ? s.from : s.to);
}

QString LatencyViews::label(const QString& path) const {
    return QStringLiteral("%1 of %2")
        .arg(QString::fromLatin1(latencyKindName(m_request.kind)), QFileInfo(path).fileName());
}

void LatencyViews::run() {
    if (!m_model || !m_panel) return;
    m_pass->cancel();
    m_cancelled = false;
    m_request = m_panel->request();
    if (m_request.kind == LatencyKind::Function) return runOnCalls();
    m_panel->setRunning(
        true,
        tr("Analysing %1 latency...").arg(QString::fromLatin1(latencyKindName(m_request.kind))));
    auto result = std::make_shared<Latencies>();
    auto error = std::make_shared<std::string>();
    auto whole = std::make_shared<LatencyPercentiles>();
    m_pass->start(
        [model = m_model, request = m_request, result, error, whole,
         analysis = m_analysis](Progress& progress) {
            // Field reads only: the UI thread's instance is not to be shared.
            auto formats = EventFormats::create(model->meta(), EventFormats::Use::kFields);
            if (!formats) {
                *error = formats.message();
                return;
            }
            auto r = analysis(*model, *formats.value(), request, &progress);
            if (!r) {
                *error = r.message();
                return;
            }
            *result = std::move(r.value());
            *whole = latencyStats(*result, LatencyBinOptions{});  // off the UI thread
        },
        [this, result, error, whole] { deliver(result, QString::fromStdString(*error), whole); });
    if (!m_comparePath.isEmpty()) runComparison();
}

// Function latencies are the calls of the trees CallViews built: when they are still
// being built, the run waits for them.
void LatencyViews::runOnCalls() {
    CallViews* calls = m_window->callViews();
    auto trees = calls->trees();
    m_waitingForCalls = !trees && calls->running();
    if (!trees) {
        m_panel->setRunning(false);
        m_panel->setError(m_waitingForCalls
                              ? tr("Waiting for the call trees (status bar)...")
                              : tr("No call trees: the build was cancelled or failed. "
                                   "Restart analysis builds them."));
        return;
    }
    m_panel->setRunning(true, tr("Collecting the calls..."));
    auto result = std::make_shared<Latencies>();
    auto whole = std::make_shared<LatencyPercentiles>();
    m_pass->start(
        [trees, result, whole](Progress&) {
            *result = callLatencies(*trees);
            *whole = latencyStats(*result, LatencyBinOptions{});
        },
        [this, trees, result, whole] {
            nameCallLatencies(*trees, *m_formats, *result);  // UI thread: its formats
            deliver(result, {}, whole);
        });
    if (!m_comparePath.isEmpty()) runComparison();
}

void LatencyViews::deliver(std::shared_ptr<Latencies> result, const QString& error,
                           std::shared_ptr<const LatencyPercentiles> whole) {
    m_panel->setRunning(false);
    if (!error.isEmpty()) {
        m_latencies.reset();
        m_panel->setLatencies(nullptr, {});
        m_panel->setError(tr("No %1 latencies: %2")
                              .arg(QString::fromLatin1(latencyKindName(m_request.kind)), error));
        emit finished(false);
        return;
    }
    m_latencies = std::move(result);
    m_panel->setLatencies(m_latencies, label(m_window->tracePath()),
                          whole ? std::optional<LatencyPercentiles>(*whole) : std::nullopt);
    m_window->timelineView()->setHighlightedInterval(std::nullopt);
    emit finished(true);
}

void LatencyViews::showInstance(uint32_t i) {
    if (!m_latencies || i >= m_latencies->size()) return;
    const Latencies& l = *m_latencies;
    TimelineView::Interval interval;
    interval.start = l.start[i];
    interval.end = l.start[i] + l.latency[i];
    interval.startCpu = l.startCpu[i];
    interval.endCpu = l.endCpu[i];
    interval.pid = l.pid[i];
    if (interval.pid > 0) m_window->state()->addTask(interval.pid);  // its row shows it too
    m_window->timelineView()->showInterval(interval);
    if (EventPanel* events = m_window->eventPanel()) events->showTime(interval.end);
}

void LatencyViews::compareWith(const QString& path) {
    m_comparePath = path;
    m_comparison.reset();
    runComparison();
}

void LatencyViews::removeComparison() {
    m_comparePass->cancel();
    m_comparePath.clear();
    m_comparison.reset();
    if (m_panel) m_panel->setComparison(nullptr, {});
    emit comparisonFinished(false);
}

// The second trace opens like the first (TraceModel::open) on the pass thread; it lives as
// long as the pass needs it, the result alone stays.
void LatencyViews::runComparison() {
    if (m_comparePath.isEmpty() || !m_panel) return;
    auto result = std::make_shared<Latencies>();
    auto error = std::make_shared<std::string>();
    m_comparePass->start(
        [path = m_comparePath.toStdString(), request = m_request, result, error,
         analysis = m_analysis](Progress& progress) {
            auto model = TraceModel::open(path);
            if (!model) {
                *error = model.message();
                return;
            }
            auto formats = EventFormats::create(model.value()->meta(), EventFormats::Use::kFields);
            if (!formats) {
                *error = formats.message();
                return;
            }
            auto r = analysis(*model.value(), *formats.value(), request, &progress);
            if (r)
                *result = std::move(r.value());
            else
                *error = r.message();
        },
        [this, result, error] {
            if (!error->empty()) {
                m_comparison.reset();
                m_panel->setError(
                    tr("Comparison with %1 failed: %2")
                        .arg(QFileInfo(m_comparePath).fileName(), QString::fromStdString(*error)));
                emit comparisonFinished(false);
                return;
            }
            m_comparison = result;
            m_panel->setComparison(m_comparison, label(m_comparePath));
            emit comparisonFinished(true);
        });
}

void LatencyViews::cancel() {
    if (!running()) return;
    m_pass->cancel();
    m_comparePass->cancel();
    m_cancelled = true;
    m_waitingForCalls = false;
    if (m_panel) {
        m_panel->setRunning(false);
        m_panel->setError(tr("Latency analysis cancelled: Run starts it again."));
    }
}

void LatencyViews::clear() {
    m_pass->cancel();
    m_comparePass->cancel();
    m_latencies.reset();
    m_comparison.reset();
    m_comparePath.clear();
    m_cancelled = false;
    m_waitingForCalls = false;
    delete m_panel;
    m_panel = nullptr;
    m_model.reset();
    m_timeline.reset();
    m_formats = nullptr;
    if (m_window->timelineView()) m_window->timelineView()->setHighlightedInterval(std::nullopt);
}

bool LatencyViews::running() const {
    return m_pass->running() || m_comparePass->running();
}

}  // namespace kestrel
