#pragma once
// Every field of the selected event with its type and value, for kernel_stack /
// user_stack events the stack with kallsyms names, and for a funcgraph_entry or
// funcgraph_exit event the call it belongs to (once the call trees are known): its
// function, times, own time, callees, level, task, and whether the trace cut it.
#include <QTreeWidget>
#include <memory>
#include <optional>

#include "analysis/call_lookup.h"
#include "formats/event_fields.h"

namespace kestrel {

class DetailsPane : public QTreeWidget {
    Q_OBJECT
public:
    explicit DetailsPane(QWidget* parent = nullptr);
    // `call`: the event read as a function_graph record (CallRecordReader), or nullptr.
    void showEvent(EventFormats& formats, const EventRef& event, const QString& title,
                   const CallRecord* call = nullptr);
    void clearEvent();
    // The call trees the call of a function_graph event is looked up in; null forgets
    // them. The event shown keeps its place: its call appears (or goes) at once.
    void setCallTrees(std::shared_ptr<const CallTrees> trees);
    // The value shown for a field, or a null string (for tests and copy actions).
    QString fieldValue(const QString& name) const;
    QString fieldType(const QString& name) const;
    QStringList stackLines() const;
    // The call shown (a CallTrees::spans index), kNoCall when none.
    uint64_t shownCall() const { return m_span; }
    // A line of the call's group ("function", "total", "callees"...), or a null string.
    QString callValue(const QString& label) const;
    // The top callees as shown: "name|calls|time" per line.
    QStringList topCalleeLines() const;

public slots:
    // Asks for the call shown to be shown on the timeline (the group's link).
    void requestShowCall();

signals:
    void showCallRequested(uint64_t span);

private:
    void showCall();
    QString timeText(uint64_t ts) const;

    EventFormats* m_formats = nullptr;
    std::shared_ptr<const CallTrees> m_trees;
    std::optional<CallRecord> m_record;
    uint64_t m_span = kNoCall;
    QTreeWidgetItem* m_callGroup = nullptr;
};

}  // namespace kestrel
