#include "events/details_pane.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <algorithm>

#include "flame/call_cut_text.h"

namespace kestrel {
namespace {

const char* const kCallGroup = "function_graph call";
// Callees listed by time: the pane is a few lines tall.
constexpr size_t kTopCallees = 5;

// Durations to the nanosecond: microseconds as the report prints them ("24.026 us"),
// longer ones in milliseconds or seconds.
QString durationText(uint64_t ns) {
    auto fixed = [](uint64_t whole, uint64_t part, int digits, const char* unit) {
        return QStringLiteral("%1.%2 %3")
            .arg(whole)
            .arg(part, digits, 10, QLatin1Char('0'))
            .arg(QLatin1String(unit));
    };
    if (ns < 1'000'000) return fixed(ns / 1000, ns % 1000, 3, "us");
    if (ns < 1'000'000'000) return fixed(ns / 1'000'000, ns % 1'000'000, 6, "ms");
    return fixed(ns / 1'000'000'000, ns % 1'000'000'000, 9, "s");
}

QString stateText(const CallSpan& s) {
    QStringList why = callCutReasons(s);
    return why.isEmpty() ? DetailsPane::tr("complete") : why.join(QStringLiteral("; "));
}

}  // namespace

DetailsPane::DetailsPane(QWidget* parent) : QTreeWidget(parent) {
    setColumnCount(3);
    setHeaderLabels({tr("Field"), tr("Type"), tr("Value")});
    setRootIsDecorated(true);
    setUniformRowHeights(true);
    header()->setStretchLastSection(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void DetailsPane::clearEvent() {
    clear();
    m_callGroup = nullptr;
    m_record.reset();
    m_span = kNoCall;
}

void DetailsPane::showEvent(EventFormats& formats, const EventRef& event, const QString& title,
                            const CallRecord* call) {
    clearEvent();
    m_formats = &formats;
    if (call) m_record = *call;
    auto* head = new QTreeWidgetItem(this, {title});
    head->setFirstColumnSpanned(true);
    auto* common = new QTreeWidgetItem(this, {tr("common fields")});
    auto* own = new QTreeWidgetItem(this, {tr("fields")});
    for (const FieldText& f : eventFields(formats, event)) {
        new QTreeWidgetItem(f.common ? common : own,
                            {QString::fromStdString(f.name), QString::fromStdString(f.type),
                             QString::fromStdString(f.value)});
    }
    own->setExpanded(true);
    common->setExpanded(false);
    auto stack = eventStack(formats, event);
    if (!stack.empty()) {
        auto* top = new QTreeWidgetItem(this, {tr("stack trace")});
        for (const StackFrame& s : stack) {
            QString addr = QStringLiteral("%1").arg(s.address, 16, 16, QLatin1Char('0'));
            auto* item = new QTreeWidgetItem(
                top, {QStringLiteral("=> ") +
                          (s.symbol.empty() ? addr : QString::fromStdString(s.symbol)),
                      QString(), addr});
            item->setFirstColumnSpanned(false);
        }
        top->setExpanded(true);
    }
    showCall();
}

void DetailsPane::setCallTrees(std::shared_ptr<const CallTrees> trees) {
    m_trees = std::move(trees);
    showCall();
}

QString DetailsPane::timeText(uint64_t ts) const {
    return QStringLiteral("%1.%2")
        .arg(ts / 1'000'000'000)
        .arg(ts % 1'000'000'000, 9, 10, QLatin1Char('0'));
}

// The call group sits under the title, above the fields: for a function_graph record the
// call is what the user came for.
void DetailsPane::showCall() {
    delete m_callGroup;
    m_callGroup = nullptr;
    m_span = m_trees && m_record ? findCall(*m_trees, *m_record) : kNoCall;
    if (m_span != kNoCall && m_formats) {
        const CallTrees& t = *m_trees;
        const CallSpan& s = t.spans[m_span];
        const CallLane& lane = laneOf(t, m_span);
        const CallDetails d = callDetails(t, m_span, kTopCallees);
        m_callGroup = new QTreeWidgetItem({tr(kCallGroup)});
        insertTopLevelItem(std::min(1, topLevelItemCount()), m_callGroup);
        auto line = [this](const QString& label, const QString& value) {
            return new QTreeWidgetItem(m_callGroup, {label, QString(), value});
        };
        // What a user asks of a call first (which, how long, where the time went) before
        // where and whose: the pane is short and scrolls.
        line(tr("function"), QString::fromStdString(t.functionName(s.function, *m_formats)));
        line(tr("total"), durationText(s.duration));
        line(tr("self"), durationText(d.self));
        line(tr("callees"), QString::number(d.callees));
        line(tr("start"), timeText(s.start));
        line(tr("end"), timeText(s.end()));
        line(tr("level"), QString::number(s.depth));
        QString task = lane.pid == 0 ? tr("<idle> on CPU %1").arg(lane.idleCpu)
                                     : QStringLiteral("%1-%2")
                                           .arg(QString::fromUtf8(m_formats->comm(lane.pid)))
                                           .arg(lane.pid);
        line(tr("task"), task);
        line(tr("state"), stateText(s));
        if (!d.topCallees.empty()) {
            auto* top = line(tr("top callees"), QString());
            for (const CalleeTime& c : d.topCallees) {
                new QTreeWidgetItem(top,
                                    {QString::fromStdString(t.functionName(c.function, *m_formats)),
                                     c.calls == 1 ? tr("1 call") : tr("%L1 calls").arg(c.calls),
                                     durationText(c.time)});
            }
            top->setExpanded(true);
        }
        // The link sits on the group's own line, where it is seen without scrolling.
        auto* label =
            new QLabel(QStringLiteral("<a href=\"show\">%1</a>").arg(tr("Show on timeline")));
        label->setObjectName(QStringLiteral("showCallLink"));
        connect(label, &QLabel::linkActivated, this, &DetailsPane::requestShowCall);
        setItemWidget(m_callGroup, 2, label);
        m_callGroup->setExpanded(true);
    }
    resizeColumnToContents(0);
    resizeColumnToContents(1);
}

void DetailsPane::requestShowCall() {
    if (m_span != kNoCall) emit showCallRequested(m_span);
}

QString DetailsPane::callValue(const QString& label) const {
    if (!m_callGroup) return {};
    for (int i = 0; i < m_callGroup->childCount(); ++i) {
        if (m_callGroup->child(i)->text(0) == label) return m_callGroup->child(i)->text(2);
    }
    return {};
}

QStringList DetailsPane::topCalleeLines() const {
    QStringList lines;
    if (!m_callGroup) return lines;
    for (int i = 0; i < m_callGroup->childCount(); ++i) {
        QTreeWidgetItem* top = m_callGroup->child(i);
        if (top->text(0) != tr("top callees")) continue;
        for (int k = 0; k < top->childCount(); ++k) {
            QTreeWidgetItem* c = top->child(k);
            lines << c->text(0) + u'|' + c->text(1) + u'|' + c->text(2);
        }
    }
    return lines;
}

QString DetailsPane::fieldValue(const QString& name) const {
    for (int t = 0; t < topLevelItemCount(); ++t) {
        QTreeWidgetItem* group = topLevelItem(t);
        for (int i = 0; i < group->childCount(); ++i) {
            if (group->child(i)->text(0) == name) return group->child(i)->text(2);
        }
    }
    return {};
}

QString DetailsPane::fieldType(const QString& name) const {
    for (int t = 0; t < topLevelItemCount(); ++t) {
        QTreeWidgetItem* group = topLevelItem(t);
        for (int i = 0; i < group->childCount(); ++i) {
            if (group->child(i)->text(0) == name) return group->child(i)->text(1);
        }
    }
    return {};
}

QStringList DetailsPane::stackLines() const {
    QStringList lines;
    for (int t = 0; t < topLevelItemCount(); ++t) {
        QTreeWidgetItem* group = topLevelItem(t);
        if (group->text(0) != tr("stack trace")) continue;
        for (int i = 0; i < group->childCount(); ++i) lines << group->child(i)->text(0);
    }
    return lines;
}

}  // namespace kestrel
