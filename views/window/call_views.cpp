#include "window/call_views.h"

#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "jobs/background_pass.h"

namespace kestrel {

CallViews::CallViews(QObject* parent)
    : QObject(parent),
      m_pass(new BackgroundPass(this)),
      m_build([](const TraceModel& model, const EventFormats& formats, Progress* progress) {
          return buildCallTrees(model, formats, progress);
      }) {}

CallViews::~CallViews() {
    m_pass->cancel();  // the pass reads the model; it must be done before the model goes
}

namespace {

bool recorded(const EventFormats& formats, const std::vector<uint64_t>& eventsByType,
              const char* name) {
    const EventType* type = formats.find("ftrace", name);
    return type && type->id >= 0 && static_cast<size_t>(type->id) < eventsByType.size() &&
           eventsByType[type->id] > 0;
}

}  // namespace

bool CallViews::start(std::shared_ptr<const TraceModel> model, const EventFormats& formats,
                      const std::vector<uint64_t>& eventsByType) {
    clear();
    if (!model || !hasCallRecords(formats)) return false;
    if (!recorded(formats, eventsByType, "funcgraph_entry") &&
        !recorded(formats, eventsByType, "funcgraph_exit"))
        return false;
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
            m_trees = trees;
            emit built(m_trees, {});
        });
    return true;
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
}

bool CallViews::running() const {
    return m_pass->running();
}

}  // namespace kestrel
