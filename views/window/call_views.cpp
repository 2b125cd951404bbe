#include "window/call_views.h"

#include "decode/trace_model.h"
#include "events/event_panel.h"
#include "flame/flame_panel.h"
#include "flame/function_table.h"
#include "formats/event_formats.h"
#include "jobs/background_pass.h"
#include "timeline/timeline_view.h"
#include "window/main_window.h"

namespace kestrel {

bool recordedEvent(const EventFormats& formats, const std::vector<uint64_t>& eventsByType,
                   std::string_view system, std::string_view name) {
    const EventType* type = formats.find(system, name);
    return type && type->id >= 0 && static_cast<size_t>(type->id) < eventsByType.size() &&
           eventsByType[type->id] > 0;
}

CallViews::CallViews(MainWindow* window)
    : QObject(window),
      m_window(window),
      m_pass(new BackgroundPass(this)),
      m_build([](const TraceModel& model, const EventFormats& formats, Progress* progress) {
          return buildCallTrees(model, formats, progress);
      }) {
    connect(window->timelineView(), &TimelineView::callSelected, this, &CallViews::selectCall);
}

CallViews::~CallViews() {
    m_pass->cancel();  // the pass reads the model; it must be done before the model goes
}

bool CallViews::start(std::shared_ptr<const TraceModel> model, const EventFormats& formats,
                      const std::vector<uint64_t>& eventsByType) {
    m_pass->cancel();
    m_trees.reset();
    m_cancelled = false;
    if (model != m_model) clear();
    m_model = model;
    m_formats = &formats;
    if (!model) return false;
    m_stacks = recordedEvent(formats, eventsByType, "ftrace", "kernel_stack") ||
               recordedEvent(formats, eventsByType, "ftrace", "user_stack");
    const bool calls = hasCallRecords(formats) &&
                       (recordedEvent(formats, eventsByType, "ftrace", "funcgraph_entry") ||
                        recordedEvent(formats, eventsByType, "ftrace", "funcgraph_exit"));
    if (calls || m_stacks) addTabs(calls);
    if (!calls) {
        if (m_flame) m_flame->setCallTrees(nullptr, m_formats, m_stacks);
        return false;
    }
    auto trees = std::make_shared<CallTrees>();
    auto error = std::make_shared<std::string>();
    m_pass->start(
        [model, trees, error, build = m_build](Progress& progress) {
            // Field reads only: no kallsyms, no plugins (names are the UI's to resolve).
            auto formats = EventFormats::create(model->meta(), EventFormats::Use::kFields);
            if (!formats) {
                *error = formats.message();
                return;
            }
            auto result = build(*model, *formats.value(), &progress);
            if (result)
                *trees = std::move(result.value());
            else
                *error = result.message();
        },
        [this, trees, error] {
            if (!error->empty()) {
                emit built(nullptr, QString::fromStdString(*error));
                return;
            }
            deliver(trees);
        });
    return true;
}

// The tabs come when the build starts: the flame graph says what it waits for meanwhile.
void CallViews::addTabs(bool calls) {
    if (!m_flame) {
        m_flame = new FlamePanel(m_window->state());
        m_flame->setObjectName(QStringLiteral("flamePanel"));
        m_flame->setTrace(m_model);
        m_window->addBottomWidget(m_flame, tr("Flame graph"));
        connect(m_flame, &FlamePanel::searchChanged, m_window->timelineView(),
                &TimelineView::setCallHighlight);
    }
    if (calls && !m_functions) {
        m_functions = new FunctionTable(m_window->state());
        m_functions->setObjectName(QStringLiteral("functionTable"));
        m_window->addBottomWidget(m_functions, tr("Functions"));
        connect(m_functions, &FunctionTable::showCall, m_window->timelineView(),
                &TimelineView::showCall);
    }
}

void CallViews::deliver(std::shared_ptr<const CallTrees> trees) {
    m_trees = std::move(trees);
    if (m_flame) m_flame->setCallTrees(m_trees, m_formats, m_stacks);
    if (m_functions) m_functions->setCallTrees(m_trees, m_formats);
    m_window->timelineView()->setCallTrees(m_trees);
    if (EventPanel* panel = m_window->eventPanel()) {
        panel->setCallTrees(m_trees);
        connect(panel, &EventPanel::showCallRequested, m_window->timelineView(),
                &TimelineView::showCall, Qt::UniqueConnection);
    }
    emit built(m_trees, {});
}

// A call selected on the timeline: the table shows the record that closes it (that opens
// it, for a call without an exit).
void CallViews::selectCall(uint64_t span) {
    EventPanel* panel = m_window->eventPanel();
    if (!panel || !m_trees || span >= m_trees->spans.size()) return;
    const CallSpan& call = m_trees->spans[span];
    panel->showTime(call.flags & CallSpan::kNoExit ? call.start : call.end());
}

void CallViews::cancel() {
    if (!m_pass->running()) return;
    m_pass->cancel();
    m_cancelled = true;
}

void CallViews::clear() {
    m_pass->cancel();
    m_trees.reset();
    m_cancelled = false;
    if (EventPanel* panel = m_window->eventPanel()) panel->setCallTrees(nullptr);
    m_window->timelineView()->setCallTrees(nullptr);
    delete m_flame;
    delete m_functions;
    m_flame = nullptr;
    m_functions = nullptr;
    m_model.reset();
    m_formats = nullptr;
}

bool CallViews::running() const {
    return m_pass->running();
}

}  // namespace kestrel
