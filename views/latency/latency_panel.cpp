#include "latency/latency_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "latency/latency_chart_panel.h"
#include "latency/latency_scatter.h"
#include "latency/latency_worst_table.h"
#include "timeline/time_scale.h"

namespace kestrel {

namespace {

// The chooser's order: what is looked at most first, the custom pair last.
const std::pair<LatencyKind, const char*> kKindNames[] = {
    {LatencyKind::Wakeup, "Wakeup"},    {LatencyKind::Irq, "IRQ"},
    {LatencyKind::Softirq, "Softirq"},  {LatencyKind::SoftirqRaise, "Softirq raise"},
    {LatencyKind::Syscall, "Syscall"},  {LatencyKind::Function, "Function"},
    {LatencyKind::Kprobe, "Kprobe"},    {LatencyKind::Marker, "Marker"},
    {LatencyKind::Pair, "Custom pair"},
};

QString duration(uint64_t ns) {
    return QString::fromStdString(formatDuration(ns));
}

QString pairText(const LatencyRequest& q) {
    return QStringLiteral("%1 → %2").arg(QString::fromStdString(q.startEvent),
                                         QString::fromStdString(q.endEvent));
}

}  // namespace

LatencyPanel::LatencyPanel(QWidget* parent)
    : QWidget(parent),
      m_kind(new QComboBox(this)),
      m_run(new QPushButton(tr("Run"), this)),
      m_worstCount(new QSpinBox(this)),
      m_title(new QLabel(this)),
      m_summary(new QLabel(this)),
      m_chart(new LatencyChartPanel(this)),
      m_scatter(new LatencyScatter(this)),
      m_table(new QTableView(this)),
      m_instances(new LatencyInstanceModel(this)) {
    m_kind->setObjectName(QStringLiteral("latencyKind"));
    m_run->setObjectName(QStringLiteral("latencyRun"));
    m_table->setObjectName(QStringLiteral("latencyInstances"));
    m_scatter->setObjectName(QStringLiteral("latencyScatter"));
    m_summary->setObjectName(QStringLiteral("latencySummary"));
    m_title->setObjectName(QStringLiteral("latencyTitle"));
    for (const auto& [kind, name] : kKindNames) m_kind->addItem(tr(name), int(kind));
    m_worstCount->setRange(1, 100000);
    m_worstCount->setValue(100);
    m_worstCount->setPrefix(tr("Worst "));
    m_worstCount->setToolTip(tr("How many of the largest instances the table lists"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Latency of"), this));
    bar->addWidget(m_kind);
    bar->addWidget(m_run);
    bar->addWidget(m_worstCount);
    bar->addWidget(m_title, 1);
    m_pairForm = makePairForm();
    m_table->setModel(m_instances);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);  // the panel's order: largest first
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* tableBox = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_summary);
    tableLayout->addWidget(m_table, 1);
    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(tableBox);
    right->addWidget(m_scatter);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    m_chart->setObjectName(QStringLiteral("latencyChart"));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_chart);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    m_split = split;
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(4, 4, 4, 4);
    column->addLayout(bar);
    column->addWidget(m_pairForm);
    column->addWidget(split, 1);
    m_pairForm->hide();

    connect(m_kind, &QComboBox::activated, this, &LatencyPanel::kindChosen);
    connect(m_run, &QPushButton::clicked, this, &LatencyPanel::requestRun);
    connect(m_chart, &LatencyChartPanel::brushed, this, &LatencyPanel::showBetween);
    connect(m_chart, &LatencyChartPanel::brushCleared, this, &LatencyPanel::showWorst);
    connect(m_worstCount, &QSpinBox::valueChanged, this, [this] {
        if (!m_brush) fillTable();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (!current.isValid()) return;
                const uint32_t i = m_instances->instanceAt(current.row());
                m_scatter->setMarked(i);
                emit instanceChosen(i);
            });
    connect(m_scatter, &LatencyScatter::instanceClicked, this, [this](uint32_t i) {
        m_scatter->setMarked(i);
        emit instanceChosen(i);
    });
    updateTitle();
}

// The first time the panel has its width, the histogram and its percentile list take
// two thirds of it (the table's columns would otherwise claim more than they need).
void LatencyPanel::resizeEvent(QResizeEvent* e) {
    QWidget::resizeEvent(e);
    if (m_sized || width() < 200) return;
    m_sized = true;
    m_split->setSizes({width() * 2 / 3, width() / 3});
}

QWidget* LatencyPanel::makePairForm() {
    auto* form = new QWidget(this);
    form->setObjectName(QStringLiteral("latencyPairForm"));
    m_saved = new QComboBox(form);
    m_saved->setObjectName(QStringLiteral("latencySavedPairs"));
    m_saved->setToolTip(tr("Custom pairs run before on this trace (kept with its session)"));
    m_startEvent = new QComboBox(form);
    m_endEvent = new QComboBox(form);
    for (QComboBox* box : {m_startEvent, m_endEvent}) {
        box->setEditable(true);
        box->setInsertPolicy(QComboBox::NoInsert);
        box->setMinimumContentsLength(22);
    }
    m_startEvent->setObjectName(QStringLiteral("latencyStartEvent"));
    m_endEvent->setObjectName(QStringLiteral("latencyEndEvent"));
    m_match = new QLineEdit(form);
    m_match->setObjectName(QStringLiteral("latencyMatch"));
    m_match->setPlaceholderText(tr("next_pid=pid, ... (empty: the same task)"));
    m_startFilter = new QLineEdit(form);
    m_endFilter = new QLineEdit(form);
    m_startFilter->setPlaceholderText(tr("filter, e.g. prev_prio < 100"));
    m_endFilter->setPlaceholderText(tr("filter"));
    auto* grid = new QGridLayout(form);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(new QLabel(tr("Saved"), form), 0, 0);
    grid->addWidget(m_saved, 0, 1, 1, 3);
    grid->addWidget(new QLabel(tr("Start event"), form), 1, 0);
    grid->addWidget(m_startEvent, 1, 1);
    grid->addWidget(new QLabel(tr("where"), form), 1, 2);
    grid->addWidget(m_startFilter, 1, 3);
    grid->addWidget(new QLabel(tr("End event"), form), 2, 0);
    grid->addWidget(m_endEvent, 2, 1);
    grid->addWidget(new QLabel(tr("where"), form), 2, 2);
    grid->addWidget(m_endFilter, 2, 3);
    grid->addWidget(new QLabel(tr("Matching fields"), form), 3, 0);
    grid->addWidget(m_match, 3, 1, 1, 3);
    grid->setColumnStretch(3, 1);
    connect(m_saved, &QComboBox::activated, this, &LatencyPanel::savedPairChosen);
    return form;
}

void LatencyPanel::setAvailability(const std::array<QString, kLatencyKinds>& reasons) {
    m_reasons = reasons;
    auto* items = qobject_cast<QStandardItemModel*>(m_kind->model());
    for (int row = 0; row < m_kind->count(); ++row) {
        const auto kind = size_t(m_kind->itemData(row).toInt());
        QStandardItem* item = items->item(row);
        item->setEnabled(reasons[kind].isEmpty());
        item->setToolTip(reasons[kind].isEmpty() ? QString()
                                                 : tr("Not in this trace: %1").arg(reasons[kind]));
    }
    if (!available(kind())) {  // the first kind the trace has
        for (int row = 0; row < m_kind->count(); ++row) {
            if (reasons[size_t(m_kind->itemData(row).toInt())].isEmpty()) {
                m_kind->setCurrentIndex(row);
                break;
            }
        }
    }
    m_pairForm->setVisible(kind() == LatencyKind::Pair);
    updateTitle();
}

bool LatencyPanel::available(LatencyKind kind) const {
    return m_reasons[size_t(kind)].isEmpty();
}

LatencyKind LatencyPanel::kind() const {
    return LatencyKind(m_kind->currentData().toInt());
}

void LatencyPanel::setKind(LatencyKind kind) {
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
    kindChosen();
}

void LatencyPanel::kindChosen() {
    m_pairForm->setVisible(kind() == LatencyKind::Pair);
    if (kind() != LatencyKind::Pair) requestRun();
}

void LatencyPanel::requestRun() {
    if (!available(kind())) return;
    if (kind() == LatencyKind::Pair) {
        const LatencyRequest q = request();
        if (q.startEvent.empty() || q.endEvent.empty()) {
            setError(tr("A custom pair needs a start event and an end event."));
            return;
        }
        rememberPair(q);
    }
    emit runRequested();
}

LatencyRequest LatencyPanel::request() const {
    LatencyRequest q;
    q.kind = kind();
    if (q.kind != LatencyKind::Pair) return q;
    q.startEvent = m_startEvent->currentText().trimmed().toStdString();
    q.endEvent = m_endEvent->currentText().trimmed().toStdString();
    for (const QString& part : m_match->text().split(',', Qt::SkipEmptyParts)) {
        const QStringList sides = part.split('=');
        if (sides.size() != 2) continue;
        q.match.emplace_back(sides[0].trimmed().toStdString(), sides[1].trimmed().toStdString());
    }
    q.startFilter = m_startFilter->text().trimmed().toStdString();
    q.endFilter = m_endFilter->text().trimmed().toStdString();
    return q;
}

void LatencyPanel::setPairForm(const LatencyRequest& pair) {
    m_startEvent->setCurrentText(QString::fromStdString(pair.startEvent));
    m_endEvent->setCurrentText(QString::fromStdString(pair.endEvent));
    QStringList matches;
    for (const auto& [a, b] : pair.match)
        matches << QStringLiteral("%1=%2").arg(QString::fromStdString(a),
                                               QString::fromStdString(b));
    m_match->setText(matches.join(QStringLiteral(", ")));
    m_startFilter->setText(QString::fromStdString(pair.startFilter));
    m_endFilter->setText(QString::fromStdString(pair.endFilter));
}

void LatencyPanel::setEventNames(const QStringList& names) {
    for (QComboBox* box : {m_startEvent, m_endEvent}) {
        const QString text = box->currentText();
        box->clear();
        box->addItems(names);
        box->setCurrentText(text);
    }
}

QVariantMap LatencyPanel::pairToVariant(const LatencyRequest& pair) {
    QStringList matches;
    for (const auto& [a, b] : pair.match)
        matches << QStringLiteral("%1=%2").arg(QString::fromStdString(a),
                                               QString::fromStdString(b));
    return {{"start", QString::fromStdString(pair.startEvent)},
            {"end", QString::fromStdString(pair.endEvent)},
            {"match", matches},
            {"startFilter", QString::fromStdString(pair.startFilter)},
            {"endFilter", QString::fromStdString(pair.endFilter)}};
}

LatencyRequest LatencyPanel::pairFromVariant(const QVariantMap& map) {
    LatencyRequest q;
    q.kind = LatencyKind::Pair;
    q.startEvent = map.value("start").toString().toStdString();
    q.endEvent = map.value("end").toString().toStdString();
    for (const QString& m : map.value("match").toStringList()) {
        const QStringList sides = m.split('=');
        if (sides.size() == 2)
            q.match.emplace_back(sides[0].trimmed().toStdString(),
                                 sides[1].trimmed().toStdString());
    }
    q.startFilter = map.value("startFilter").toString().toStdString();
    q.endFilter = map.value("endFilter").toString().toStdString();
    return q;
}

void LatencyPanel::setSavedPairs(const QVariantList& pairs) {
    m_pairs = pairs;
    m_saved->clear();
    for (const QVariant& v : m_pairs) m_saved->addItem(pairText(pairFromVariant(v.toMap())));
    if (!m_pairs.isEmpty()) setPairForm(pairFromVariant(m_pairs.back().toMap()));
    m_saved->setCurrentIndex(int(m_pairs.size()) - 1);
}

void LatencyPanel::savedPairChosen(int index) {
    if (index >= 0 && index < m_pairs.size()) setPairForm(pairFromVariant(m_pairs[index].toMap()));
}

// A pair that was run is kept (once), the latest last.
void LatencyPanel::rememberPair(const LatencyRequest& pair) {
    const QVariantMap v = pairToVariant(pair);
    QVariantList pairs = m_pairs;
    pairs.removeAll(QVariant(v));
    pairs.append(v);
    if (pairs == m_pairs) return;
    setSavedPairs(pairs);
    emit savedPairsChanged(m_pairs);
}

void LatencyPanel::setRunning(bool running, const QString& what) {
    m_running = running;
    m_run->setEnabled(!running);
    if (running) m_summary->setText(what.isEmpty() ? tr("Analysing...") : what);
}

void LatencyPanel::setError(const QString& message) {
    m_summary->setText(message);
}

void LatencyPanel::setNames(std::function<QString(int32_t)> taskName, QStringList cpuNames) {
    m_chart->setTaskNamer([taskName](int32_t pid) {
        const QString comm = taskName ? taskName(pid) : QString();
        return comm.isEmpty() ? QStringLiteral("pid %1").arg(pid)
                              : QStringLiteral("%1-%2").arg(comm).arg(pid);
    });
    m_instances->setNames(std::move(taskName), std::move(cpuNames));
}

void LatencyPanel::setLatencies(std::shared_ptr<const Latencies> latencies, const QString& label,
                                std::optional<LatencyPercentiles> whole) {
    m_latencies = std::move(latencies);
    m_label = label;
    m_brush.reset();
    m_chart->setLatencies(m_latencies, label, whole);  // keeps the time range it was given
    m_scatter->setLatencies(m_latencies);
    fillTable();
    updateTitle();
}

void LatencyPanel::setComparison(std::shared_ptr<const Latencies> other, const QString& label) {
    m_comparisonLabel = other ? label : QString();
    m_chart->setComparison(std::move(other), m_comparisonLabel);
    updateTitle();
}

void LatencyPanel::setTimeRange(uint64_t from, uint64_t to) {
    if (from == m_from && to == m_to) return;
    m_from = from;
    m_to = to;
    m_chart->setTimeRange(from, to);
    fillTable();
    updateTitle();
}

void LatencyPanel::setTraceRange(uint64_t from, uint64_t to) {
    m_traceFrom = from;
    m_traceTo = to;
    updateTitle();
}

void LatencyPanel::setWorstCount(int n) {
    m_worstCount->setValue(n);
}

void LatencyPanel::showBetween(uint64_t low, uint64_t high) {
    m_brush = std::make_pair(low, high);
    fillTable();
}

void LatencyPanel::showWorst() {
    m_brush.reset();
    fillTable();
}

void LatencyPanel::fillTable() {
    if (!m_latencies) {
        m_instances->setInstances(nullptr, {});
        return;
    }
    const Latencies& l = *m_latencies;
    std::vector<uint32_t> rows =
        m_brush ? instancesBetween(l, m_brush->first, m_brush->second, m_from, m_to)
                : worstInstances(l, size_t(m_worstCount->value()), m_from, m_to);
    const size_t count = rows.size();
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_instances->setInstances(m_latencies, std::move(rows));
    // Wakeups (and pairs) have no key: a column of zeros says nothing.
    const bool keyed = !l.keyNames.empty() ||
                       std::any_of(l.key.begin(), l.key.end(), [](uint32_t k) { return k != 0; });
    m_table->setColumnHidden(LatencyInstanceModel::Key, !keyed);
    m_table->resizeColumnsToContents();
    if (m_brush) {
        m_summary->setText(tr("%n instance(s) with latency in [%1, %2)", nullptr, int(count))
                               .arg(duration(m_brush->first), duration(m_brush->second)));
    } else {
        m_summary->setText(tr("The %n worst instance(s)", nullptr, int(count)));
    }
}

void LatencyPanel::updateTitle() {
    QString text;
    if (m_latencies) {
        text = tr("%1: %n instance(s)", nullptr, int(m_latencies->size())).arg(m_label);
        if (m_latencies->lost) text += tr(", %1 left out (lost events)").arg(m_latencies->lost);
    } else if (!m_running) {
        text = kind() == LatencyKind::Pair ? tr("Choose the events, then Run.")
                                           : tr("Choose a kind (or press Run).");
    }
    if (!m_comparisonLabel.isEmpty()) text += tr("  —  compared with %1").arg(m_comparisonLabel);
    if (m_to > m_from) {
        text += tr("  —  only the selected range %1 … %2 s")
                    .arg(QString::number(double(m_from) / 1e9, 'f', 6),
                         QString::number(double(m_to) / 1e9, 'f', 6));
    }
    m_title->setText(text);
    m_scatter->setTimeRange(m_to > m_from ? m_from : m_traceFrom, m_to > m_from ? m_to : m_traceTo);
}

QString LatencyPanel::summaryText() const {
    return m_summary->text();
}

QString LatencyPanel::titleText() const {
    return m_title->text();
}

}  // namespace kestrel
