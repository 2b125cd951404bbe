#include "flame/flame_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <optional>

#include "analysis/folded_stacks.h"
#include "analysis/stack_samples.h"
#include "jobs/background_pass.h"
#include "timeline/time_scale.h"
#include "timeline/timeline_state.h"

namespace kestrel {

namespace {
// Aggregating this many calls takes long enough (tens of ms) to leave the UI thread.
constexpr size_t kThreadedSpans = 200'000;

QVector<int> parseIds(const QString& text) {
    QVector<int> ids;
    for (const QString& part :
         text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int id = part.toInt(&ok);
        if (ok && id >= 0) ids << id;
    }
    return ids;
}

QString joinIds(const QVector<int>& ids) {
    QStringList parts;
    for (int id : ids) parts << QString::number(id);
    return parts.join(QStringLiteral(", "));
}
}  // namespace

// What one computation reads (shared, immutable) and what it gives back.
struct FlamePanel::Job {
    FlamePanel::Source source = kCalls;
    std::shared_ptr<const TraceModel> model;
    std::shared_ptr<const CallTrees> trees;
    std::shared_ptr<const std::vector<std::string>> names;
    CallFilter filter;
    std::optional<CallFilter> before;        // markers compared with the selection
    std::shared_ptr<const FlameTree> other;  // another trace's tree, the diff's second side
    std::unique_ptr<EventFormats> formats;   // this thread's own, for stack samples
    std::shared_ptr<const FlameTree> tree;
    std::string error;

    std::optional<FlameTree> build(const CallFilter& f, Progress& progress) {
        if (source == kCalls) return flameFromCallPaths(aggregateCalls(*trees, f), *names);
        if (!formats) {
            auto created = EventFormats::create(model->meta());
            if (!created) {
                error = created.message();
                return std::nullopt;
            }
            formats = std::move(created.value());
        }
        auto samples = foldStackSamples(*model, *formats, f, &progress);
        if (!samples) {
            error = samples.message();
            return std::nullopt;
        }
        return flameFromFolded(samples.value().lines);
    }

    void run(Progress& progress) {
        std::optional<FlameTree> main = build(filter, progress);
        if (!main) return;
        if (before) {
            std::optional<FlameTree> first = build(*before, progress);
            if (!first) return;
            tree = std::make_shared<FlameTree>(diffFlames(*first, *main));
        } else if (other) {
            tree = std::make_shared<FlameTree>(diffFlames(*main, *other));
        } else {
            tree = std::make_shared<FlameTree>(std::move(*main));
        }
    }
};

FlamePanel::FlamePanel(TimelineState* state, QWidget* parent) : QWidget(parent), m_state(state) {
    m_pass = new BackgroundPass(this);
    m_otherPass = new BackgroundPass(this);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);  // a selection being dragged settles first
    connect(m_debounce, &QTimer::timeout, this, &FlamePanel::recompute);
    m_graph = new FlameGraphView(this);
    connect(m_graph, &FlameGraphView::searchChanged, this, &FlamePanel::searchChanged);
    buildToolRow();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(4, 2, 4, 2);
    row->addWidget(new QLabel(tr("Scope:"), this));
    row->addWidget(m_scopeBox);
    row->addWidget(new QLabel(tr("Source:"), this));
    row->addWidget(m_sourceBox);
    row->addWidget(m_modeBox);
    row->addWidget(new QLabel(tr("Compare:"), this));
    row->addWidget(m_compareBox);
    row->addWidget(m_status, 1);
    layout->addLayout(row);
    layout->addWidget(m_graph, 1);
    connect(m_state, &TimelineState::selectionChanged, this, [this] {
        if (m_scope == kSelection || m_compare == kCompareMarkers) scheduleUpdate();
    });
    connect(m_state, &TimelineState::markersChanged, this, [this] {
        if (m_compare == kCompareMarkers) scheduleUpdate();
    });
    recompute();
}

FlamePanel::~FlamePanel() = default;

void FlamePanel::buildToolRow() {
    m_scopeBox = new QComboBox(this);
    m_scopeBox->addItems({tr("Whole trace"), tr("Task…"), tr("CPU…"), tr("Selected range")});
    connect(m_scopeBox, &QComboBox::activated, this, &FlamePanel::onScopeChosen);
    m_sourceBox = new QComboBox(this);
    m_sourceBox->addItems({tr("Function calls"), tr("Stack samples")});
    m_sourceBox->setToolTip(
        tr("Function calls: the function_graph records' call trees.\nStack samples: the "
           "kernel_stack and user_stack records, counted per stack."));
    connect(m_sourceBox, &QComboBox::activated, this,
            [this](int index) { setSource(Source(index)); });
    m_modeBox = new QComboBox(this);
    m_modeBox->addItems({tr("Flame"), tr("Icicle")});
    m_modeBox->setToolTip(tr("Flame: the root at the bottom. Icicle: the root at the top."));
    connect(m_modeBox, &QComboBox::activated, this, [this](int index) { setIcicle(index == 1); });
    m_compareBox = new QComboBox(this);
    m_compareBox->addItems(
        {tr("Off"), tr("Markers A–B against the selection"), tr("Another trace file…")});
    m_compareBox->setToolTip(
        tr("Red: more time in the second, blue: less; frames found in "
           "one side only are shown too."));
    connect(m_compareBox, &QComboBox::activated, this, &FlamePanel::onCompareChosen);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("flameStatus"));
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    updateSourceChoices();
}

void FlamePanel::setTrace(std::shared_ptr<const TraceModel> model) {
    m_pass->cancel();
    if (model != m_model) {  // the call trees and formats were the previous trace's
        m_trees.reset();
        m_names.reset();
        m_hasStacks = false;
    }
    m_model = std::move(model);
    updateSourceChoices();
    recompute();
}

void FlamePanel::setCallTrees(std::shared_ptr<const CallTrees> trees, const EventFormats* uiFormats,
                              bool stackRecords) {
    m_pass->cancel();
    m_trees = std::move(trees);
    auto names = std::make_shared<std::vector<std::string>>();
    if (m_trees && uiFormats) {
        names->reserve(m_trees->functions.size());
        for (uint32_t f = 0; f < m_trees->functions.size(); ++f)
            names->push_back(m_trees->functionName(f, *uiFormats));
    }
    m_names = std::move(names);
    m_hasStacks = stackRecords && uiFormats && hasStackRecords(*uiFormats);
    updateSourceChoices();
    recompute();
}

void FlamePanel::updateSourceChoices() {
    // Stack samples need the trace itself (a pass over its records).
    const bool stacks = m_model && m_hasStacks;
    if (auto* model = qobject_cast<QStandardItemModel*>(m_sourceBox->model())) {
        if (QStandardItem* item = model->item(kStackSamples)) item->setEnabled(stacks);
    }
    const bool calls = m_trees && !m_trees->empty();
    if (!calls && stacks && m_source == kCalls) m_source = kStackSamples;
    if (m_source == kStackSamples && !stacks && calls) m_source = kCalls;
    QSignalBlocker block(m_sourceBox);
    m_sourceBox->setCurrentIndex(m_source);
}

void FlamePanel::setScope(Scope scope, const QVector<int>& ids) {
    m_scope = scope;
    m_scopeIds = ids;
    QSignalBlocker block(m_scopeBox);
    m_scopeBox->setCurrentIndex(scope);
    const QString what = scope == kTasks ? tr("Tasks: %1") : tr("CPUs: %1");
    m_scopeBox->setToolTip(scope == kTasks || scope == kCpus ? what.arg(joinIds(ids)) : QString());
    recompute();
}

void FlamePanel::onScopeChosen(int index) {
    const Scope scope = Scope(index);
    if (scope != kTasks && scope != kCpus) {
        setScope(scope);
        return;
    }
    QVector<int> start = scope == m_scope ? m_scopeIds : QVector<int>{};
    if (scope == kTasks && start.isEmpty()) start = m_state->tasks();
    bool ok = false;
    const QString text =
        QInputDialog::getText(this, scope == kTasks ? tr("Tasks") : tr("CPUs"),
                              scope == kTasks ? tr("PIDs, separated by commas:")
                                              : tr("CPU numbers, separated by commas:"),
                              QLineEdit::Normal, joinIds(start), &ok);
    const QVector<int> ids = parseIds(text);
    if (!ok || ids.isEmpty()) {  // keep what was there
        QSignalBlocker block(m_scopeBox);
        m_scopeBox->setCurrentIndex(m_scope);
        return;
    }
    setScope(scope, ids);
}

void FlamePanel::setSource(Source source) {
    m_source = source;
    updateSourceChoices();
    recompute();
}

void FlamePanel::setIcicle(bool icicle) {
    QSignalBlocker block(m_modeBox);
    m_modeBox->setCurrentIndex(icicle ? 1 : 0);
    m_graph->setIcicle(icicle);
}

void FlamePanel::setCompare(Compare compare) {
    m_compare = compare;
    m_otherError.clear();
    QSignalBlocker block(m_compareBox);
    m_compareBox->setCurrentIndex(compare);
    recompute();
}

void FlamePanel::onCompareChosen(int index) {
    if (index != kCompareFile) {
        setCompare(Compare(index));
        return;
    }
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Compare with trace"), QFileInfo(m_otherPath).path(),
                                     tr("Traces (*.dat *.ktr);;All files (*)"));
    if (path.isEmpty()) {
        QSignalBlocker block(m_compareBox);
        m_compareBox->setCurrentIndex(m_compare);
        return;
    }
    compareWithFile(path);
}

void FlamePanel::compareWithFile(const QString& path) {
    m_otherPath = path;
    m_other.reset();
    m_otherError.clear();
    setCompare(kCompareFile);
}

namespace {
// Another trace's whole flame tree, for `source`, read on the calling (pass) thread with
// formats of its own.
Result<FlameTree> readOtherTrace(const std::string& path, FlamePanel::Source source,
                                 Progress& progress) {
    auto model = TraceModel::open(path);
    if (!model) return Status::error(model.message());
    auto formats = EventFormats::create(model.value()->meta());
    if (!formats) return Status::error(formats.message());
    const TraceModel& m = *model.value();
    const EventFormats& f = *formats.value();
    if (source == FlamePanel::kStackSamples) {
        auto samples = foldStackSamples(m, f, CallFilter{}, &progress);
        if (!samples) return Status::error(samples.message());
        if (samples.value().samples == 0)
            return Status::error("it has no kernel_stack or user_stack records");
        return flameFromFolded(samples.value().lines);
    }
    auto trees = buildCallTrees(m, f, &progress);
    if (!trees) return Status::error(trees.message());
    if (trees.value().empty()) return Status::error("it has no function_graph calls");
    std::vector<std::string> names;
    for (uint32_t fn = 0; fn < trees.value().functions.size(); ++fn)
        names.push_back(trees.value().functionName(fn, f));
    return flameFromCallPaths(aggregateCalls(trees.value(), CallFilter{}), names);
}
}  // namespace

void FlamePanel::loadOtherFile() {
    auto out = std::make_shared<Result<FlameTree>>(Status::error("cancelled"));
    const std::string path = m_otherPath.toStdString();
    const Source source = m_source;
    m_otherPass->start(
        [path, source, out](Progress& progress) { *out = readOtherTrace(path, source, progress); },
        [this, out, source] {
            if (!*out) {
                m_otherError = tr("Cannot compare with %1: %2")
                                   .arg(QFileInfo(m_otherPath).fileName(),
                                        QString::fromStdString(out->message()));
                m_compare = kCompareOff;
                QSignalBlocker block(m_compareBox);
                m_compareBox->setCurrentIndex(kCompareOff);
            } else {
                m_other = std::make_shared<FlameTree>(std::move(out->value()));
                m_otherSource = source;
            }
            recompute();
        });
}

bool FlamePanel::makeFilter(CallFilter& filter, QString& why) const {
    switch (m_scope) {
        case kWholeTrace:
            return true;
        case kTasks:
            filter.pids.assign(m_scopeIds.begin(), m_scopeIds.end());
            why = tr("No task chosen.");
            return !filter.pids.empty();
        case kCpus: {
            why = tr("No CPU chosen.");
            if (m_scopeIds.isEmpty()) return false;
            const size_t count =
                m_model ? m_model->cpuCount()
                        : size_t(*std::max_element(m_scopeIds.begin(), m_scopeIds.end()) + 1);
            filter.cpus.assign(count, false);
            for (size_t c = 0; c < count; ++c) {
                const int number = m_model ? int(m_model->meta().cpus[c].cpu) : int(c);
                filter.cpus[c] = m_scopeIds.contains(number);
            }
            return true;
        }
        case kSelection: {
            const TimeRange sel = m_state->selection();
            filter.from = sel.from;
            filter.to = sel.to;
            why = tr("Select a range in the timeline to see its calls.");
            return !sel.empty();
        }
    }
    return true;
}

void FlamePanel::scheduleUpdate() {
    m_debounce->start();
}

QString FlamePanel::prepare(Job& job) {
    const bool calls = m_trees && !m_trees->empty() && m_names;
    if (m_source == kCalls && !calls)
        return tr(
            "No function_graph calls in this trace (recorded with the function_graph "
            "tracer).");
    if (m_source == kStackSamples && !(m_model && m_hasStacks))
        return tr("No kernel_stack or user_stack records in this trace.");
    QString why;
    if (!makeFilter(job.filter, why)) return why;
    job.source = m_source;
    job.model = m_model;
    job.trees = m_trees;
    job.names = m_names;
    if (m_compare == kCompareMarkers) {
        const auto a = m_state->markerA(), b = m_state->markerB();
        const TimeRange sel = m_state->selection();
        if (!a || !b || a->time == b->time || sel.empty()) {
            return tr(
                "Place markers A and B and select a range: the graph compares A–B "
                "(before) with the selection (after).");
        }
        job.before = job.filter;
        job.before->from = std::min(a->time, b->time);
        job.before->to = std::max(a->time, b->time);
        job.filter.from = sel.from;
        job.filter.to = sel.to;
    } else if (m_compare == kCompareFile) {
        if (m_otherPath.isEmpty()) return tr("Choose a trace file to compare with.");
        if (!m_other || m_otherSource != m_source) {
            if (!m_otherPass->running()) loadOtherFile();
            return tr("Reading %1…").arg(QFileInfo(m_otherPath).fileName());
        }
        job.other = m_other;
    }
    return {};
}

void FlamePanel::recompute() {
    m_debounce->stop();
    auto job = std::make_shared<Job>();
    const QString notYet = prepare(*job);
    if (!notYet.isEmpty()) {
        m_pass->cancel();
        return display(nullptr, notYet);
    }
    auto done = [this, job] { display(job->tree, QString::fromStdString(job->error)); };
    if (m_source == kStackSamples || m_trees->spans.size() > kThreadedSpans) {
        m_status->setText(tr("Computing…"));
        m_pass->start([job](Progress& progress) { job->run(progress); }, done);
        return;
    }
    m_pass->cancel();
    Progress progress;
    job->run(progress);
    done();
}

void FlamePanel::display(std::shared_ptr<const FlameTree> tree, const QString& message) {
    const FlameUnit unit = m_source == kCalls ? FlameUnit::kTime : FlameUnit::kSamples;
    m_graph->setMessage(message);
    m_graph->setTree(tree, unit);
    QString status;
    if (!m_otherError.isEmpty()) {
        status = m_otherError;
    } else if (tree && tree->diff) {
        const QString second =
            m_compare == kCompareFile ? QFileInfo(m_otherPath).fileName() : tr("the selection");
        const QString first = m_compare == kCompareFile ? tr("this trace") : tr("A–B");
        status = tr("Red: more time in %1 than in %2; blue: less").arg(second, first);
    } else if (tree) {
        const FlameTree::Node& root = tree->nodes[0];
        if (unit == FlameUnit::kSamples) {
            status = tr("%1 stack samples").arg(root.total);
        } else {
            status = tr("%1 in %2 outermost calls")
                         .arg(QString::fromStdString(formatDuration(root.total)))
                         .arg(root.count);
        }
    }
    m_status->setText(status);
    emit treeShown();
}

QString FlamePanel::status() const {
    return m_status->text();
}

bool FlamePanel::busy() const {
    return m_pass->running() || m_otherPass->running();
}

}  // namespace kestrel
