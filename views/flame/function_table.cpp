#include "flame/function_table.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <array>

#include "flame/function_colors.h"
#include "jobs/background_pass.h"
#include "timeline/time_scale.h"
#include "timeline/timeline_state.h"

namespace kestrel {

namespace {
constexpr size_t kThreadedSpans = 200'000;  // above this, the statistics leave the UI thread
constexpr int kSortRole = Qt::UserRole;     // numbers sort as numbers, names as text
constexpr int kFunctionRole = Qt::UserRole + 1;

// The calls functionStats counts: with an exit, begun in the range, on a chosen CPU.
bool counted(const CallFilter& filter, const CallSpan& s) {
    if (s.flags & CallSpan::kNoExit) return false;
    if (s.start < filter.from || (filter.to != kUnknownTime && s.start > filter.to)) return false;
    return filter.cpus.empty() || (s.cpu < filter.cpus.size() && filter.cpus[s.cpu]);
}

bool counted(const CallFilter& filter, const CallLane& lane) {
    return filter.pids.empty() ||
           std::find(filter.pids.begin(), filter.pids.end(), lane.pid) != filter.pids.end();
}

void add(std::vector<CallNeighbour>& byFunction, uint32_t function, uint64_t ns) {
    ++byFunction[function].calls;
    byFunction[function].total += ns;
}

std::vector<CallNeighbour> used(std::vector<CallNeighbour>& byFunction) {
    std::vector<CallNeighbour> out;
    for (uint32_t f = 0; f < byFunction.size(); ++f) {
        if (byFunction[f].calls == 0) continue;
        byFunction[f].function = f;
        out.push_back(byFunction[f]);
    }
    return out;
}

QStandardItem* textItem(const QString& text, const QVariant& sortKey) {
    auto* item = new QStandardItem(text);
    item->setData(sortKey, kSortRole);
    item->setEditable(false);
    return item;
}

QStandardItem* timeItem(uint64_t ns) {
    QStandardItem* item = textItem(QString::fromStdString(formatDuration(ns)), qulonglong(ns));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QStandardItem* countItem(uint64_t n) {
    QStandardItem* item = textItem(QString::number(n), qulonglong(n));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent) {
    auto* table = new QTableView(parent);
    table->setModel(model);
    table->setSortingEnabled(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 4);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->setWordWrap(false);
    return table;
}
}  // namespace

CallNeighbours callNeighbours(const CallTrees& trees, const CallFilter& filter, uint32_t function) {
    std::vector<CallNeighbour> callers(trees.functions.size()), callees(trees.functions.size());
    std::array<uint64_t, 256> atLevel{};  // the latest span at each level of the lane
    for (const CallLane& lane : trees.lanes) {
        if (!counted(filter, lane)) continue;
        for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
            const CallSpan& s = trees.spans[i];
            atLevel[s.depth] = i;
            if (s.depth == 0 || !counted(filter, s)) continue;
            const CallSpan& parent = trees.spans[atLevel[s.depth - 1]];
            if (s.function == function) add(callers, parent.function, s.duration);
            if (parent.function == function) add(callees, s.function, s.duration);
        }
    }
    return {used(callers), used(callees)};
}

FunctionTable::FunctionTable(TimelineState* state, QWidget* parent)
    : QWidget(parent), m_state(state) {
    m_pass = new BackgroundPass(this);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);  // a selection being dragged settles first
    connect(m_debounce, &QTimer::timeout, this, &FunctionTable::recompute);
    buildToolRow();
    buildTables();
    auto* row = new QHBoxLayout;
    row->setContentsMargins(4, 2, 4, 2);
    row->addWidget(new QLabel(tr("Scope:"), this));
    row->addWidget(m_scopeBox);
    row->addWidget(m_filter, 1);
    row->addWidget(m_longest);
    row->addWidget(m_status, 1);
    auto* side = new QSplitter(Qt::Vertical, this);
    side->addWidget(m_callers);
    side->addWidget(m_callees);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(split, 1);
    connect(m_state, &TimelineState::selectionChanged, this, [this] {
        if (m_scope == kSelection) m_debounce->start();
    });
    showNeighbours();
}

void FunctionTable::buildToolRow() {
    m_scopeBox = new QComboBox(this);
    m_scopeBox->addItems({tr("Whole trace"), tr("Selected range")});
    connect(m_scopeBox, &QComboBox::activated, this, [this](int i) { setScope(Scope(i)); });
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter functions"));
    m_filter->setClearButtonEnabled(true);
    m_longest = new QPushButton(tr("Show longest call"), this);
    m_longest->setEnabled(false);
    connect(m_longest, &QPushButton::clicked, this, &FunctionTable::showLongest);
    m_status = new QLabel(this);
}

void FunctionTable::buildTables() {
    m_model = new QStandardItemModel(0, kColumns, this);
    m_model->setHorizontalHeaderLabels({tr("Function"), tr("Calls"), tr("Total"), tr("Self"),
                                        tr("Average"), tr("Max"), tr("p99")});
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_proxy->setFilterKeyColumn(kName);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    m_table = makeTable(m_proxy, this);
    m_table->sortByColumn(kTotal, Qt::DescendingOrder);
    m_table->setToolTip(tr("Double-click: show the function's longest call"));
    connect(m_table, &QTableView::doubleClicked, this, &FunctionTable::showLongest);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &FunctionTable::showNeighbours);
    m_callerModel = new QStandardItemModel(0, 3, this);
    m_calleeModel = new QStandardItemModel(0, 3, this);
    m_callerModel->setSortRole(kSortRole);
    m_calleeModel->setSortRole(kSortRole);
    m_callers = makeTable(m_callerModel, this);
    m_callees = makeTable(m_calleeModel, this);
    for (QTableView* t : {m_callers, m_callees}) {
        t->setToolTip(tr("Double-click: select this function"));
        connect(t, &QTableView::doubleClicked, this, [this, t](const QModelIndex& index) {
            selectFunction(t->model()->index(index.row(), 0).data(kFunctionRole).toUInt());
        });
    }
}

FunctionTable::~FunctionTable() = default;

void FunctionTable::setCallTrees(std::shared_ptr<const CallTrees> trees,
                                 const EventFormats* uiFormats) {
    m_pass->cancel();
    m_trees = std::move(trees);
    m_names.clear();
    if (m_trees && uiFormats) {
        for (uint32_t f = 0; f < m_trees->functions.size(); ++f)
            m_names.push_back(m_trees->functionName(f, *uiFormats));
    }
    recompute();
}

void FunctionTable::setScope(Scope scope) {
    m_scope = scope;
    m_scopeBox->setCurrentIndex(scope);
    recompute();
}

void FunctionTable::setFilterText(const QString& text) {
    m_filter->setText(text);
}

CallFilter FunctionTable::filter() const {
    CallFilter f;
    if (m_scope == kSelection) {
        f.from = m_state->selection().from;
        f.to = m_state->selection().to;
    }
    return f;
}

void FunctionTable::recompute() {
    m_debounce->stop();
    if (!m_trees || m_trees->empty() || m_names.size() != m_trees->functions.size()) {
        m_pass->cancel();
        m_status->setText(tr("No function_graph calls in this trace."));
        return fill({});
    }
    if (m_scope == kSelection && m_state->selection().empty()) {
        m_pass->cancel();
        m_status->setText(tr("Select a range in the timeline."));
        return fill({});
    }
    auto out = std::make_shared<std::vector<FunctionStats>>();
    auto work = [trees = m_trees, f = filter(), out](Progress&) {
        *out = functionStats(*trees, f);
    };
    auto done = [this, out] { fill(std::move(*out)); };
    if (m_trees->spans.size() > kThreadedSpans) {
        m_status->setText(tr("Computing…"));
        m_pass->start(work, done);
        return;
    }
    m_pass->cancel();
    Progress progress;
    work(progress);
    done();
}

void FunctionTable::fill(std::vector<FunctionStats> stats) {
    const uint32_t selected = selectedStats() ? selectedStats()->function : UINT32_MAX;
    m_stats = std::move(stats);
    // Detached while filled: the proxy would sort again at every item set.
    m_proxy->setSourceModel(nullptr);
    m_model->removeRows(0, m_model->rowCount());
    m_model->setRowCount(int(m_stats.size()));
    for (int r = 0; r < int(m_stats.size()); ++r) {
        const FunctionStats& s = m_stats[size_t(r)];
        const QString name = QString::fromStdString(m_names[s.function]);
        QStandardItem* nameItem = textItem(name, name);
        nameItem->setData(functionColor(name), Qt::DecorationRole);  // as in the flame graph
        nameItem->setData(s.function, kFunctionRole);
        nameItem->setData(r, kFunctionRole + 1);  // the row of m_stats
        m_model->setItem(r, kName, nameItem);
        m_model->setItem(r, kCalls, countItem(s.calls));
        m_model->setItem(r, kTotal, timeItem(s.total));
        m_model->setItem(r, kSelf, timeItem(s.self));
        m_model->setItem(r, kAverage, timeItem(s.average()));
        m_model->setItem(r, kLongest, timeItem(s.longest));
        m_model->setItem(r, kP99, timeItem(s.p99));
    }
    m_proxy->setSourceModel(m_model);
    QHeaderView* header = m_table->horizontalHeader();
    // Re-attaching the model resets the columns: the name takes the room, numbers what
    // "999.9 ms" needs.
    header->setSectionResizeMode(kName, QHeaderView::Stretch);
    const int numberWidth =
        m_table->fontMetrics().horizontalAdvance(QStringLiteral("9999.99 ms")) + 12;
    for (int c = kCalls; c < kColumns; ++c) header->resizeSection(c, numberWidth);
    m_proxy->sort(header->sortIndicatorSection(), header->sortIndicatorOrder());
    if (!m_stats.empty()) {
        m_status->setText(m_stats.size() == 1 ? tr("1 function")
                                              : tr("%1 functions").arg(m_stats.size()));
    }
    if (selected == UINT32_MAX || !selectFunction(selected)) showNeighbours();
    emit statsShown();
}

bool FunctionTable::selectFunction(uint32_t function) {
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex index = m_proxy->index(r, kName);
        if (index.data(kFunctionRole).toUInt() != function) continue;
        m_table->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_table->scrollTo(index);
        return true;
    }
    return false;
}

const FunctionStats* FunctionTable::selectedStats() const {
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) return nullptr;
    const int row = m_proxy->index(current.row(), kName).data(kFunctionRole + 1).toInt();
    return row >= 0 && size_t(row) < m_stats.size() ? &m_stats[size_t(row)] : nullptr;
}

void FunctionTable::showNeighbours() {
    const FunctionStats* stats = selectedStats();
    m_longest->setEnabled(stats != nullptr);
    CallNeighbours n;
    if (stats && m_trees) n = callNeighbours(*m_trees, filter(), stats->function);
    const QString name = stats ? QString::fromStdString(m_names[stats->function]) : QString();
    auto fillSide = [this](QStandardItemModel* model, const std::vector<CallNeighbour>& rows,
                           const QString& title) {
        model->removeRows(0, model->rowCount());
        model->setHorizontalHeaderLabels({title, tr("Calls"), tr("Total")});
        for (const CallNeighbour& c : rows) {
            const QString fn = QString::fromStdString(m_names[c.function]);
            QStandardItem* item = textItem(fn, fn);
            item->setData(c.function, kFunctionRole);
            model->appendRow({item, countItem(c.calls), timeItem(c.total)});
        }
    };
    fillSide(m_callerModel, n.callers, stats ? tr("Callers of %1").arg(name) : tr("Callers"));
    fillSide(m_calleeModel, n.callees, stats ? tr("Called by %1").arg(name) : tr("Callees"));
    m_callers->sortByColumn(2, Qt::DescendingOrder);
    m_callees->sortByColumn(2, Qt::DescendingOrder);
}

void FunctionTable::showLongest() {
    if (const FunctionStats* stats = selectedStats()) emit showCall(stats->longestSpan);
}

}  // namespace kestrel
