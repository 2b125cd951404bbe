#pragma once
// The "Functions" tab: per function its calls, total, self, average, longest and 99th
// percentile time (analysis/function_stats.h) over the whole trace or the selected range,
// sortable by every column and filtered by name. Selecting a function lists its callers
// and its callees (the spans one level up and one level down); "Show longest call" (or a
// double click) asks the window to show that function's longest call.
#include <QWidget>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/call_tree.h"
#include "analysis/function_stats.h"
#include "formats/event_formats.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QModelIndex;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QTimer;

namespace kestrel {

class BackgroundPass;
class TimelineState;

// Calls and time of one caller (or callee) of a function.
struct CallNeighbour {
    uint32_t function = 0;
    uint64_t calls = 0;
    uint64_t total = 0;  // ns of the selected function's calls (callers) or of the callee's
};
struct CallNeighbours {
    std::vector<CallNeighbour> callers;
    std::vector<CallNeighbour> callees;
};
// From the spans, for the calls `functionStats` counts under `filter`: a caller is the
// span one level up, in the same task, of a call of `function`; a callee one a level
// below a call of it.
CallNeighbours callNeighbours(const CallTrees& trees, const CallFilter& filter, uint32_t function);

class FunctionTable : public QWidget {
    Q_OBJECT
public:
    enum Scope { kWholeTrace, kSelection };
    enum Column { kName, kCalls, kTotal, kSelf, kAverage, kLongest, kP99, kColumns };

    explicit FunctionTable(TimelineState* state, QWidget* parent = nullptr);
    ~FunctionTable() override;

    void setCallTrees(std::shared_ptr<const CallTrees> trees, const EventFormats* uiFormats);
    void setScope(Scope scope);
    void setFilterText(const QString& text);

    // Selects the row of a CallTrees function (false when it is not in the table).
    bool selectFunction(uint32_t function);
    const FunctionStats* selectedStats() const;

    QTableView* table() const { return m_table; }
    QTableView* callersTable() const { return m_callers; }
    QTableView* calleesTable() const { return m_callees; }

signals:
    void showCall(uint64_t span);  // CallTrees::spans index
    void statsShown();             // the table holds the scope's rows

private:
    void buildToolRow();
    void buildTables();
    void recompute();
    void fill(std::vector<FunctionStats> stats);
    void showNeighbours();
    void showLongest();
    CallFilter filter() const;

    TimelineState* m_state;
    std::shared_ptr<const CallTrees> m_trees;
    std::vector<std::string> m_names;  // per CallTrees function
    std::vector<FunctionStats> m_stats;
    Scope m_scope = kWholeTrace;

    QComboBox* m_scopeBox;
    QLineEdit* m_filter;
    QPushButton* m_longest;
    QLabel* m_status;
    QTableView* m_table;
    QTableView* m_callers;
    QTableView* m_callees;
    QStandardItemModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QStandardItemModel* m_callerModel;
    QStandardItemModel* m_calleeModel;
    BackgroundPass* m_pass;
    QTimer* m_debounce;
};

}  // namespace kestrel
