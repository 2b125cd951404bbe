#include "events/details_pane.h"

#include <QFontDatabase>
#include <QHeaderView>

namespace kestrel {

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
}

void DetailsPane::showEvent(EventFormats& formats, const EventRef& event, const QString& title) {
    clear();
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
    resizeColumnToContents(0);
    resizeColumnToContents(1);
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
