#pragma once
// The events a kernel offers, by system (the events/ folder of tracefs, listed without
// writing anything), with search, tri-state system checkboxes, an editable filter per
// event or system, and a count of what is chosen ("42 events in 3 systems").
#include <QStringList>
#include <QWidget>
#include <vector>

#include "record_config.h"

class QLabel;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace kestrel {

class Tracefs;

class EventTree : public QWidget {
    Q_OBJECT
public:
    explicit EventTree(QWidget* parent = nullptr);

    void load(const Tracefs& fs);  // reads events/SYSTEM/NAME folders
    // The chosen events as `-e` specs: a whole system as "SYSTEM", else "SYSTEM:NAME".
    std::vector<EventSpec> chosen() const;
    // Checks what the specs name (SYSTEM, SYSTEM:NAME, NAME, globs); the specs that name
    // nothing this kernel has are returned.
    QStringList setChosen(const std::vector<EventSpec>& specs);
    int chosenEventCount() const;
    int chosenSystemCount() const;
    void setSearch(const QString& text);
    QString countText() const;
    QTreeWidget* tree() const { return m_tree; }
    QTreeWidgetItem* systemItem(const QString& system) const;

signals:
    void changed();

private:
    void applySearch();
    void updateCount();
    int checkMatching(const QString& system, const QString& name, const QString& filter);

    QLineEdit* m_search = nullptr;
    QTreeWidget* m_tree = nullptr;
    QLabel* m_count = nullptr;
    bool m_filling = false;
};

}  // namespace kestrel
