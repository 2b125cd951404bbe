#pragma once
// The running processes (from /proc: pid, comm, command line), searchable, several
// chosen at once: the pids a recording follows.
#include <QWidget>
#include <vector>

class QLineEdit;
class QTreeWidget;

namespace kestrel {

class ProcessPicker : public QWidget {
    Q_OBJECT
public:
    explicit ProcessPicker(QWidget* parent = nullptr);

    void refresh();  // reads /proc again, keeping the chosen pids chosen
    std::vector<int> chosenPids() const;
    void setChosenPids(const std::vector<int>& pids);
    void setSearch(const QString& text);
    int visibleCount() const;
    QTreeWidget* list() const { return m_list; }

signals:
    void changed();

private:
    void applySearch();

    QLineEdit* m_search = nullptr;
    QTreeWidget* m_list = nullptr;
};

}  // namespace kestrel
