#include "record_form.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStringListModel>
#include <QVBoxLayout>
#include <algorithm>
#include <mutex>
#include <set>

#include "jobs/background_pass.h"
#include "record/event_tree.h"
#include "record/function_list_edit.h"
#include "record/process_picker.h"
#include "record_args.h"

namespace kestrel {
namespace {

struct OptionBox {
    const char* name;
    const char* label;
};

// The trace options offered as checkboxes; any other goes in "Other options".
const OptionBox kOptionBoxes[] = {
    {"stacktrace", "Kernel stack trace at each event"},
    {"func_stack_trace", "Kernel stack trace at each function (function tracer)"},
    {"userstacktrace", "User stack trace at each event"},
    {"record-tgid", "Record each task's process (tgid)"},
};

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QLabel* reasonLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #a04000"));
    label->hide();
    return label;
}

QString defaultOutput() {
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    return QDir::home().filePath(QStringLiteral("trace-%1.ktr").arg(stamp));
}

std::vector<std::string> split(const QString& text) {
    std::vector<std::string> out;
    for (const QString& w : text.split(' ', Qt::SkipEmptyParts)) out.push_back(w.toStdString());
    return out;
}

QString joinWords(const std::vector<std::string>& words) {
    QStringList out;
    for (const std::string& w : words) out << q(quoteWord(w));
    return out.join(' ');
}

// The names of available_filter_functions ("name [module]" lines), sorted, unique.
QStringList functionNames(const std::string& text) {
    QStringList names;
    names.reserve(static_cast<qsizetype>(text.size() / 24));
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        size_t word = text.find_first_of(" \t", start);
        if (word == std::string::npos || word > end) word = end;
        if (word > start) names << QString::fromLatin1(text.data() + start, word - start);
        start = end + 1;
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

}  // namespace

RecordForm::RecordForm(const QString& tracefsRoot, CapabilityProbe probe, QWidget* parent)
    : QWidget(parent) {
    if (tracefsRoot.isEmpty()) {
        auto located = Tracefs::locate(true);
        if (located)
            m_fs = std::make_unique<Tracefs>(*located);
        else
            m_fsError = q(located.message());
    } else {
        m_fs = std::make_unique<Tracefs>(tracefsRoot.toStdString());
    }
    m_functionNames = new QStringListModel(this);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildPresetRow());
    auto* columns = new QHBoxLayout;
    auto* eventsBox = new QGroupBox(tr("Events"), this);
    auto* eventsLayout = new QVBoxLayout(eventsBox);
    m_events = new EventTree(eventsBox);
    eventsLayout->addWidget(m_events);
    auto* middle = new QVBoxLayout;
    middle->addWidget(buildTracerBox());
    middle->addWidget(buildBufferBox());
    middle->addStretch(1);
    auto* right = new QVBoxLayout;
    right->addWidget(buildTargetBox(), 1);
    right->addWidget(buildStopBox());
    columns->addWidget(eventsBox, 4);
    columns->addLayout(middle, 4);
    columns->addLayout(right, 5);
    layout->addLayout(columns, 1);

    if (m_fs) m_events->load(*m_fs);
    fillTracers();
    fillClocks();
    reloadPresets();
    connect(m_events, &EventTree::changed, this, &RecordForm::updateState);
    connect(m_processes, &ProcessPicker::changed, this, &RecordForm::updateState);
    m_probePass = new BackgroundPass(this);
    m_functionPass = new BackgroundPass(this);
    startProbe(std::move(probe));
    startFunctionLoad();
    updateState();
}

RecordForm::~RecordForm() = default;

QWidget* RecordForm::buildPresetRow() {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    m_presets = new QComboBox(row);
    m_presets->setMinimumContentsLength(40);
    auto* save = new QPushButton(tr("Save as preset..."), row);
    m_presetNote = new QLabel(row);
    m_presetNote->setWordWrap(true);
    layout->addWidget(new QLabel(tr("Preset:"), row));
    layout->addWidget(m_presets);
    layout->addWidget(save);
    layout->addWidget(m_presetNote, 1);
    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        const QString name = m_presets->itemData(index).toString();
        if (!name.isEmpty()) applyPreset(name);
    });
    connect(save, &QPushButton::clicked, this, &RecordForm::saveAsPresetDialog);
    return row;
}

void RecordForm::addFunctionRow(QGridLayout* grid, int row, const QString& label,
                                FunctionListEdit* edit, const std::string& item) {
    auto* reason = reasonLabel(edit->parentWidget());
    grid->addWidget(new QLabel(label, edit->parentWidget()), row * 2, 0);
    grid->addWidget(edit, row * 2, 1);
    grid->addWidget(reason, row * 2 + 1, 1);
    m_offerWidgets[item] = edit;
    m_offerLabels[item] = reason;
    connect(edit, &QLineEdit::textChanged, this, &RecordForm::updateState);
}

QWidget* RecordForm::buildTracerBox() {
    auto* box = new QGroupBox(tr("Tracer"), this);
    auto* grid = new QGridLayout(box);
    m_tracer = new QListWidget(box);
    m_tracer->setMaximumHeight(m_tracer->fontMetrics().height() * 6 + 8);
    m_tracer->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tracerNote = reasonLabel(box);
    m_probeState = new QLabel(tr("Probing what the kernel allows..."), box);
    m_probeState->setWordWrap(true);
    grid->addWidget(new QLabel(tr("Tracer:"), box), 0, 0);
    grid->addWidget(m_tracer, 0, 1);
    grid->addWidget(m_tracerNote, 1, 1);
    m_ftraceFilter = new FunctionListEdit(box);
    m_ftraceFilter->setPlaceholderText(tr("all functions (vfs_* do_sys_open)"));
    m_ftraceNotrace = new FunctionListEdit(box);
    m_graphFunction = new FunctionListEdit(box);
    m_graphFunction->setPlaceholderText(tr("function_graph roots (vfs_read)"));
    m_graphNotrace = new FunctionListEdit(box);
    addFunctionRow(grid, 1, tr("Functions:"), m_ftraceFilter, "set_ftrace_filter");
    addFunctionRow(grid, 2, tr("Not traced:"), m_ftraceNotrace, "set_ftrace_notrace");
    addFunctionRow(grid, 3, tr("Graph functions:"), m_graphFunction, "set_graph_function");
    addFunctionRow(grid, 4, tr("Not graphed:"), m_graphNotrace, "set_graph_notrace");
    m_depth = new QSpinBox(box);
    m_depth->setRange(-1, 1000);
    m_depth->setSpecialValueText(tr("kernel default"));
    m_depth->setValue(-1);
    auto* depthReason = reasonLabel(box);
    grid->addWidget(new QLabel(tr("Graph depth:"), box), 10, 0);
    grid->addWidget(m_depth, 10, 1);
    grid->addWidget(depthReason, 11, 1);
    m_offerWidgets["max_graph_depth"] = m_depth;
    m_offerLabels["max_graph_depth"] = depthReason;
    m_functionNote = new QLabel(tr("Loading function names for completion..."), box);
    m_functionNote->setWordWrap(true);
    grid->addWidget(m_functionNote, 12, 0, 1, 2);
    grid->addWidget(m_probeState, 13, 0, 1, 2);
    connect(m_tracer, &QListWidget::currentRowChanged, this, &RecordForm::updateState);
    connect(m_depth, &QSpinBox::valueChanged, this, &RecordForm::updateState);
    return box;
}

QWidget* RecordForm::buildBufferBox() {
    auto* box = new QGroupBox(tr("Buffer, clock and options"), this);
    auto* form = new QFormLayout(box);
    m_bufferKb = new QSpinBox(box);
    m_bufferKb->setRange(0, 64 << 20);
    m_bufferKb->setSingleStep(1024);
    m_bufferKb->setSuffix(tr(" KB per CPU"));
    m_bufferKb->setSpecialValueText(tr("kernel default"));
    m_clock = new QComboBox(box);
    m_placement = new QComboBox(box);
    m_placement->addItem(tr("Own instance, or the top level when a tracer needs it"),
                         static_cast<int>(RecordConfig::Placement::Auto));
    m_placement->addItem(tr("Own instance"), static_cast<int>(RecordConfig::Placement::Instance));
    m_placement->addItem(tr("Top-level buffer"),
                         static_cast<int>(RecordConfig::Placement::TopLevel));
    form->addRow(tr("Buffer:"), m_bufferKb);
    form->addRow(tr("Clock:"), m_clock);
    form->addRow(tr("Where:"), m_placement);
    for (const OptionBox& o : kOptionBoxes) {
        auto* check = new QCheckBox(tr(o.label), box);
        auto* reason = reasonLabel(box);
        const bool present = !m_fs || m_fs->exists(std::string("options/") + o.name);
        check->setEnabled(present);
        if (!present) {
            reason->setText(tr("%1: absent from this kernel").arg(QLatin1String(o.name)));
            reason->show();
        }
        check->setToolTip(tr("option %1").arg(QLatin1String(o.name)));
        form->addRow(check);
        form->addRow(reason);
        m_options[o.name] = check;
        connect(check, &QCheckBox::toggled, this, &RecordForm::updateState);
    }
    m_otherOptions = new QLineEdit(box);
    m_otherOptions->setPlaceholderText(tr("more options: sym-offset noirq-info"));
    form->addRow(tr("Other options:"), m_otherOptions);
    connect(m_bufferKb, &QSpinBox::valueChanged, this, &RecordForm::updateState);
    connect(m_clock, &QComboBox::currentIndexChanged, this, &RecordForm::updateState);
    connect(m_placement, &QComboBox::currentIndexChanged, this, &RecordForm::updateState);
    connect(m_otherOptions, &QLineEdit::textChanged, this, &RecordForm::updateState);
    return box;
}

QWidget* RecordForm::buildTargetBox() {
    auto* box = new QGroupBox(tr("Target"), this);
    auto* layout = new QVBoxLayout(box);
    m_targetGroup = new QButtonGroup(box);
    auto* system = new QRadioButton(tr("The whole system"), box);
    auto* processes = new QRadioButton(tr("These processes:"), box);
    auto* command = new QRadioButton(tr("Launch a command:"), box);
    m_targetGroup->addButton(system, static_cast<int>(Target::System));
    m_targetGroup->addButton(processes, static_cast<int>(Target::Processes));
    m_targetGroup->addButton(command, static_cast<int>(Target::Command));
    system->setChecked(true);
    m_processes = new ProcessPicker(box);
    m_followFork = new QCheckBox(tr("Follow their children"), box);
    m_followFork->setChecked(true);
    auto* pidReason = reasonLabel(box);
    m_offerWidgets["set_event_pid"] = processes;
    m_offerLabels["set_event_pid"] = pidReason;
    m_command = new QLineEdit(box);
    m_command->setPlaceholderText(tr("make -j2"));
    m_workDir = new QLineEdit(QDir::homePath(), box);
    auto* browse = new QPushButton(tr("Browse..."), box);
    auto* dirRow = new QHBoxLayout;
    dirRow->addWidget(new QLabel(tr("in:"), box));
    dirRow->addWidget(m_workDir, 1);
    dirRow->addWidget(browse);
    m_pidOnly = new QCheckBox(tr("Trace only the command and its children"), box);
    layout->addWidget(system);
    layout->addWidget(processes);
    layout->addWidget(pidReason);
    layout->addWidget(m_processes, 1);
    layout->addWidget(m_followFork);
    layout->addWidget(command);
    layout->addWidget(m_command);
    layout->addLayout(dirRow);
    layout->addWidget(m_pidOnly);
    connect(m_targetGroup, &QButtonGroup::idToggled, this, &RecordForm::updateState);
    connect(m_followFork, &QCheckBox::toggled, this, &RecordForm::updateState);
    connect(m_command, &QLineEdit::textChanged, this, &RecordForm::updateState);
    connect(m_workDir, &QLineEdit::textChanged, this, &RecordForm::updateState);
    connect(m_pidOnly, &QCheckBox::toggled, this, &RecordForm::updateState);
    connect(browse, &QPushButton::clicked, this, [this] {
        QString dir =
            QFileDialog::getExistingDirectory(this, tr("Working directory"), m_workDir->text());
        if (!dir.isEmpty()) m_workDir->setText(dir);
    });
    return box;
}

QWidget* RecordForm::buildStopBox() {
    auto* box = new QGroupBox(tr("Stop and output"), this);
    auto* layout = new QGridLayout(box);
    m_stopGroup = new QButtonGroup(box);
    auto* button = new QRadioButton(tr("With the Stop button"), box);
    auto* after = new QRadioButton(tr("After"), box);
    auto* exits = new QRadioButton(tr("When the command exits"), box);
    m_stopGroup->addButton(button, static_cast<int>(Stop::Button));
    m_stopGroup->addButton(after, static_cast<int>(Stop::Duration));
    m_stopGroup->addButton(exits, static_cast<int>(Stop::CommandExit));
    button->setChecked(true);
    m_seconds = new QDoubleSpinBox(box);
    m_seconds->setRange(0.1, 1e6);
    m_seconds->setValue(10);
    m_seconds->setSuffix(tr(" s"));
    m_output = new QLineEdit(defaultOutput(), box);
    auto* browse = new QPushButton(tr("Browse..."), box);
    layout->addWidget(button, 0, 0, 1, 3);
    layout->addWidget(after, 1, 0);
    layout->addWidget(m_seconds, 1, 1);
    layout->addWidget(exits, 2, 0, 1, 3);
    layout->addWidget(new QLabel(tr("Output:"), box), 3, 0);
    layout->addWidget(m_output, 3, 1);
    layout->addWidget(browse, 3, 2);
    connect(m_stopGroup, &QButtonGroup::idToggled, this, &RecordForm::updateState);
    connect(m_seconds, &QDoubleSpinBox::valueChanged, this, &RecordForm::updateState);
    connect(m_output, &QLineEdit::textChanged, this, &RecordForm::updateState);
    connect(browse, &QPushButton::clicked, this, [this] {
        QString file = QFileDialog::getSaveFileName(this, tr("Record into"), m_output->text(),
                                                    tr("Kestrel traces (*.ktr)"));
        if (!file.isEmpty()) m_output->setText(file);
    });
    return box;
}

void RecordForm::fillTracers() {
    const QString keep = tracer();
    m_tracer->blockSignals(true);
    m_tracer->clear();
    auto* none = new QListWidgetItem(tr("none (events only)"), m_tracer);
    none->setData(Qt::UserRole, QString());
    std::vector<std::string> names;
    if (m_fs) {
        if (auto text = m_fs->read("available_tracers")) names = split(q(*text));
    }
    for (const std::string& name : names) {
        if (name == "nop") continue;
        const Offer offer = m_probed ? offerFor(m_caps, "tracer " + name) : Offer{};
        QString text = q(name);
        if (offer.kind == Offer::Kind::TopLevelOnly || offer.kind == Offer::Kind::Refused)
            text += QStringLiteral(" \u2014 ") + offer.reason;
        auto* item = new QListWidgetItem(text, m_tracer);
        item->setData(Qt::UserRole, q(name));
        item->setToolTip(offer.reason);
        if (!offer.enabled())
            item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));
    }
    m_tracer->blockSignals(false);
    setTracer(keep);
}

void RecordForm::setTracer(const QString& name) {
    for (int i = 0; i < m_tracer->count(); ++i) {
        QListWidgetItem* item = m_tracer->item(i);
        if (item->data(Qt::UserRole).toString() == name && (item->flags() & Qt::ItemIsEnabled)) {
            m_tracer->setCurrentRow(i);
            return;
        }
    }
    m_tracer->setCurrentRow(0);
}

QString RecordForm::tracer() const {
    QListWidgetItem* item = m_tracer->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void RecordForm::fillClocks() {
    const QString keep = m_clock->currentData().toString();
    m_clock->blockSignals(true);
    m_clock->clear();
    m_clock->addItem(tr("kernel default"), QString());
    std::vector<std::string> clocks = probedClocks(m_caps);
    if (clocks.empty() && m_fs) {
        if (auto text = m_fs->read("trace_clock")) {
            for (std::string w : split(q(*text))) {
                if (!w.empty() && w.front() == '[') w = w.substr(1, w.size() - 2);
                clocks.push_back(w);
            }
        }
    }
    for (const std::string& c : clocks) m_clock->addItem(q(c), q(c));
    m_clock->setCurrentIndex(std::max(0, m_clock->findData(keep)));
    m_clock->blockSignals(false);
}

void RecordForm::showOffer(const std::string& item, const Offer& offer) {
    QWidget* widget = m_offerWidgets.count(item) ? m_offerWidgets[item] : nullptr;
    QLabel* label = m_offerLabels.count(item) ? m_offerLabels[item] : nullptr;
    if (widget) {
        widget->setEnabled(offer.enabled());
        widget->setToolTip(offer.reason);
    }
    if (label) {
        const bool say =
            offer.kind == Offer::Kind::Refused || offer.kind == Offer::Kind::TopLevelOnly;
        label->setText(offer.reason);
        label->setVisible(say);
    }
}

void RecordForm::applyOffers() {
    for (const auto& [item, widget] : m_offerWidgets) showOffer(item, offerFor(m_caps, item));
    fillTracers();
    fillClocks();
    int refused = 0, topOnly = 0;
    for (const Capability& c : m_caps) {
        const Offer o = offerFor(m_caps, c.item);
        refused += o.kind == Offer::Kind::Refused;
        topOnly += o.kind == Offer::Kind::TopLevelOnly;
    }
    m_probeState->setText(tr("Probed %1 items: %2 refused, %3 for the top-level buffer only.")
                              .arg(m_caps.size())
                              .arg(refused)
                              .arg(topOnly));
}

void RecordForm::startProbe(CapabilityProbe probe) {
    if (!m_fs) {
        m_probeState->setText(tr("No tracefs: %1").arg(m_fsError));
        return;
    }
    auto result = std::make_shared<std::vector<Capability>>();
    Tracefs fs = *m_fs;
    m_probePass->start([probe = std::move(probe), fs, result](Progress&) { *result = probe(fs); },
                       [this, result] {
                           m_caps = *result;
                           m_probed = true;
                           applyOffers();
                           updateState();
                           emit capabilitiesProbed();
                       });
}

void RecordForm::startFunctionLoad() {
    if (!m_fs) return;
    auto text = std::make_shared<Result<std::string>>(std::string());
    auto names = std::make_shared<QStringList>();
    Tracefs fs = *m_fs;
    m_functionPass->start(
        [fs, text, names](Progress&) {
            *text = fs.read("available_filter_functions");
            if (*text) *names = functionNames(**text);
        },
        [this, text, names] {
            m_functionsLoaded = true;
            if (!*text) {
                m_functionNote->setText(
                    tr("No completion: available_filter_functions: %1").arg(q(text->message())));
            } else {
                m_functionNames->setStringList(*names);
                for (FunctionListEdit* e :
                     {m_ftraceFilter, m_ftraceNotrace, m_graphFunction, m_graphNotrace})
                    e->setFunctions(m_functionNames);
                m_functionNote->setText(tr("%1 functions to complete from").arg(names->size()));
            }
            emit functionsReady();
        });
}

void RecordForm::reloadPresets() {
    const QString keep = m_presets->currentData().toString();
    m_presets->clear();
    m_presets->addItem(tr("(choose a preset)"), QString());
    for (const Preset& p : allPresets()) {
        QString text = q(p.name) + QStringLiteral(" \u2014 ") + q(p.title());
        if (!p.builtIn) text += tr(" (yours)");
        m_presets->addItem(text, q(p.name));
        m_presets->setItemData(m_presets->count() - 1, q(p.source), Qt::ToolTipRole);
    }
    m_presets->setCurrentIndex(std::max(0, m_presets->findData(keep)));
}

bool RecordForm::applyPreset(const QString& name) {
    std::optional<Preset> preset = findPreset(name.toStdString());
    if (!preset) return false;
    auto config = cli::presetConfig(*preset);
    m_presets->setCurrentIndex(std::max(0, m_presets->findData(name)));
    if (!config) {
        m_presetError = q(config.message());
        m_presetNote->setText(m_presetError);
        updateState();
        return true;
    }
    m_presetError.clear();
    config->output = m_output->text().toStdString();  // each recording names its own
    m_asks = presetAsks(*preset);
    setConfig(*config);
    QStringList asks;
    for (const PresetAsk& a : m_asks) asks << q(a.what);
    m_presetNote->setText(asks.isEmpty() ? q(preset->title())
                                         : tr("This preset asks for %1.").arg(asks.join(", ")));
    for (const PresetAsk& a : m_asks) {
        if (a.option == "-g") m_graphFunction->setFocus();
        if (a.option == "-P") setTarget(Target::Processes);
    }
    return true;
}

void RecordForm::setConfig(const RecordConfig& c) {
    m_kept = c;
    m_unmatchedEvents = m_events->setChosen(c.events);
    setTracer(q(c.tracer));
    m_ftraceFilter->setValues(c.ftraceFilter);
    m_ftraceNotrace->setValues(c.ftraceNotrace);
    m_graphFunction->setValues(c.graphFunction);
    m_graphNotrace->setValues(c.graphNotrace);
    m_depth->setValue(c.maxGraphDepth);
    std::vector<std::string> other;
    for (auto& [name, box] : m_options) box->setChecked(false);
    for (const std::string& o : c.options) {
        if (m_options.count(o))
            m_options[o]->setChecked(true);
        else
            other.push_back(o);
    }
    m_otherOptions->setText(joinWords(other));
    m_bufferKb->setValue(static_cast<int>(c.bufferKb));
    int clock = m_clock->findData(q(c.clock));
    if (clock < 0 && !c.clock.empty()) {
        m_clock->addItem(q(c.clock), q(c.clock));
        clock = m_clock->count() - 1;
    }
    m_clock->setCurrentIndex(std::max(0, clock));
    m_placement->setCurrentIndex(std::max(0, m_placement->findData(static_cast<int>(c.placement))));
    m_followFork->setChecked(c.followFork);
    m_pidOnly->setChecked(c.pidOnly);
    if (!c.command.empty()) {
        m_command->setText(joinWords(c.command));
        setTarget(Target::Command);
    } else if (!c.pids.empty()) {
        m_processes->setChosenPids(c.pids);
        setTarget(Target::Processes);
    } else {
        setTarget(Target::System);
    }
    if (c.durationSec > 0)
        setStop(Stop::Duration, c.durationSec);
    else
        setStop(c.command.empty() ? Stop::Button : Stop::CommandExit);
    if (!c.output.empty() && c.output != RecordConfig{}.output) m_output->setText(q(c.output));
    updateState();
}

RecordConfig RecordForm::config() const {
    RecordConfig c = m_kept;
    c.events = m_events->chosen();
    c.tracer = tracer().toStdString();
    c.ftraceFilter = m_ftraceFilter->values();
    c.ftraceNotrace = m_ftraceNotrace->values();
    c.graphFunction = m_graphFunction->values();
    c.graphNotrace = m_graphNotrace->values();
    c.maxGraphDepth = m_depth->value();
    c.options.clear();
    for (const OptionBox& o : kOptionBoxes) {
        if (m_options.at(o.name)->isChecked()) c.options.push_back(o.name);
    }
    for (const std::string& o : split(m_otherOptions->text())) c.options.push_back(o);
    c.bufferKb = static_cast<uint32_t>(m_bufferKb->value());
    c.clock = m_clock->currentData().toString().toStdString();
    c.placement = static_cast<RecordConfig::Placement>(m_placement->currentData().toInt());
    const auto target = static_cast<Target>(m_targetGroup->checkedId());
    c.pids = target == Target::Processes ? m_processes->chosenPids() : std::vector<int>{};
    c.followFork = m_followFork->isChecked();
    c.command.clear();
    c.pidOnly = false;
    if (target == Target::Command) {
        c.command =
            splitShellWords(m_command->text().toStdString()).value_or(std::vector<std::string>{});
        c.pidOnly = m_pidOnly->isChecked();
    }
    const auto stop = static_cast<Stop>(m_stopGroup->checkedId());
    c.durationSec = stop == Stop::Duration ? m_seconds->value() : 0;
    c.output = outputPath().toStdString();
    return c;
}

QString RecordForm::outputPath() const {
    const QString text = m_output->text().trimmed();
    return text.isEmpty() ? QString() : QFileInfo(text).absoluteFilePath();
}

QString RecordForm::workingDirectory() const {
    if (static_cast<Target>(m_targetGroup->checkedId()) != Target::Command) return {};
    return m_workDir->text().trimmed();
}

void RecordForm::setTarget(Target target) {
    m_targetGroup->button(static_cast<int>(target))->setChecked(true);
}

void RecordForm::setStop(Stop stop, double seconds) {
    m_stopGroup->button(static_cast<int>(stop))->setChecked(true);
    if (stop == Stop::Duration) m_seconds->setValue(seconds);
}

void RecordForm::setCommand(const QString& commandLine, const QString& workingDirectory) {
    m_command->setText(commandLine);
    if (!workingDirectory.isEmpty()) m_workDir->setText(workingDirectory);
    setTarget(Target::Command);
}

void RecordForm::setOutputPath(const QString& path) {
    m_output->setText(path);
}

QLabel* RecordForm::offerLabel(const std::string& item) const {
    auto it = m_offerLabels.find(item);
    return it == m_offerLabels.end() ? nullptr : it->second;
}

QWidget* RecordForm::offerWidget(const std::string& item) const {
    auto it = m_offerWidgets.find(item);
    return it == m_offerWidgets.end() ? nullptr : it->second;
}

QString RecordForm::problem() const {
    if (!m_fs) return tr("No tracefs: %1").arg(m_fsError);
    if (!m_presetError.isEmpty()) return m_presetError;
    const RecordConfig c = config();
    const auto target = static_cast<Target>(m_targetGroup->checkedId());
    if (target == Target::Command) {
        if (!splitShellWords(m_command->text().toStdString()))
            return tr("The command has an unterminated quote");
        if (c.command.empty()) return tr("Type the command to launch");
        if (!QFileInfo(m_workDir->text()).isDir())
            return tr("No folder %1 to launch the command in").arg(m_workDir->text());
    }
    if (target == Target::Processes && c.pids.empty()) return tr("Choose the processes to trace");
    if (c.output.empty()) return tr("Name the output file");
    std::vector<std::string> missing = missingAsks(m_asks, c);
    if (!missing.empty()) {
        QStringList list;
        for (const std::string& m : missing) list << q(m);
        return tr("The preset asks for %1").arg(list.join(", "));
    }
    auto parsed = cli::parseRecordArgs(recordWords(c));
    if (!parsed) return q(parsed.message());
    return {};
}

void RecordForm::updateState() {
    const auto target = static_cast<Target>(m_targetGroup->checkedId());
    m_processes->setEnabled(target == Target::Processes);
    m_followFork->setEnabled(target == Target::Processes);
    m_command->setEnabled(target == Target::Command);
    m_workDir->setEnabled(target == Target::Command);
    m_pidOnly->setEnabled(target == Target::Command);
    QAbstractButton* exits = m_stopGroup->button(static_cast<int>(Stop::CommandExit));
    exits->setEnabled(target == Target::Command);
    if (exits->isChecked() && target != Target::Command) setStop(Stop::Button);
    m_seconds->setEnabled(m_stopGroup->checkedId() == static_cast<int>(Stop::Duration));
    const QString chosen = tracer();
    const Offer offer = offerFor(m_caps, "tracer " + chosen.toStdString());
    const bool say = !chosen.isEmpty() && offer.kind == Offer::Kind::TopLevelOnly;
    m_tracerNote->setText(say ? tr("%1 records in the top-level buffer (its settings are put back "
                                   "afterwards)")
                                    .arg(chosen)
                              : QString());
    m_tracerNote->setVisible(say);
    emit changed();
}

Result<std::string> RecordForm::saveAsPreset(const QString& name, const QString& text) {
    auto saved = savePreset(name.toStdString(), text.toStdString());
    if (!saved) return saved;
    reloadPresets();
    m_presets->setCurrentIndex(std::max(0, m_presets->findData(name)));
    return saved;
}

void RecordForm::saveAsPresetDialog() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Save as preset"));
    auto* layout = new QFormLayout(&dialog);
    auto* name = new QLineEdit(m_presets->currentData().toString(), &dialog);
    auto* text = new QPlainTextEdit(&dialog);
    text->setPlainText(q(presetText(config(), "My recording")));
    text->setMinimumSize(480, 260);
    auto* buttons =
        new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, &dialog);
    layout->addRow(tr("Name:"), name);
    layout->addRow(tr("Preset (one option per line, # comments):"), text);
    layout->addRow(new QLabel(tr("Saved in %1").arg(q(userPresetDir())), &dialog));
    layout->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        auto saved = saveAsPreset(name->text().trimmed(), text->toPlainText());
        if (!saved) {
            QMessageBox::warning(&dialog, tr("Save as preset"), q(saved.message()));
            return;
        }
        dialog.accept();
    });
    dialog.exec();
}

}  // namespace kestrel
