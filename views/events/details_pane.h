#pragma once
// Every field of the selected event with its type and value, and for kernel_stack /
// user_stack events the stack with kallsyms names.
#include <QTreeWidget>

#include "formats/event_fields.h"

namespace kestrel {

class DetailsPane : public QTreeWidget {
    Q_OBJECT
public:
    explicit DetailsPane(QWidget* parent = nullptr);
    void showEvent(EventFormats& formats, const EventRef& event, const QString& title);
    void clearEvent();
    // The value shown for a field, or a null string (for tests and copy actions).
    QString fieldValue(const QString& name) const;
    QString fieldType(const QString& name) const;
    QStringList stackLines() const;
};

}  // namespace kestrel
