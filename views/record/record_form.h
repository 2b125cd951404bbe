#pragma once
// The record dialog's configuration page: presets, events, tracer and function filters,
// buffer, clock and options, target, stop condition and output. It shows what the kernel
// offers once probeCapabilities has run (off the UI thread), and loads the function names
// for completion in the background too.
#include <QString>
#include <QWidget>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "capabilities.h"
#include "record/record_offers.h"
#include "record_config.h"
#include "record_presets.h"
#include "tracefs.h"

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QRadioButton;
class QSpinBox;
class QStringListModel;

namespace kestrel {

class BackgroundPass;
class EventTree;
class FunctionListEdit;
class ProcessPicker;

using CapabilityProbe = std::function<std::vector<Capability>(const Tracefs&)>;

class RecordForm : public QWidget {
    Q_OBJECT
public:
    enum class Target { System, Processes, Command };
    enum class Stop { Button, Duration, CommandExit };

    RecordForm(const QString& tracefsRoot, CapabilityProbe probe, QWidget* parent = nullptr);
    ~RecordForm() override;

    RecordConfig config() const;
    void setConfig(const RecordConfig& config);
    bool applyPreset(const QString& name);
    Result<std::string> saveAsPreset(const QString& name, const QString& text);
    void reloadPresets();
    QString outputPath() const;
    QString workingDirectory() const;
    // Why the configuration cannot be recorded yet (empty: it can).
    QString problem() const;
    bool capabilitiesReady() const { return m_probed; }
    bool functionsLoaded() const { return m_functionsLoaded; }

    // For tests and the dialog.
    EventTree* events() const { return m_events; }
    QComboBox* presets() const { return m_presets; }
    QListWidget* tracers() const { return m_tracer; }
    void setTracer(const QString& name);  // "" = none
    QString tracer() const;
    ProcessPicker* processes() const { return m_processes; }
    FunctionListEdit* graphFunctions() const { return m_graphFunction; }
    QLabel* functionNote() const { return m_functionNote; }
    QLabel* offerLabel(const std::string& item) const;  // the reason beside a refused item
    QWidget* offerWidget(const std::string& item) const;
    void setTarget(Target target);
    void setStop(Stop stop, double seconds = 0);
    void setCommand(const QString& commandLine, const QString& workingDirectory);
    void setOutputPath(const QString& path);

signals:
    void changed();
    void capabilitiesProbed();
    void functionsReady();

private:
    QWidget* buildPresetRow();
    QWidget* buildTracerBox();
    QWidget* buildBufferBox();
    QWidget* buildTargetBox();
    QWidget* buildStopBox();
    void addFunctionRow(QGridLayout* grid, int row, const QString& label, FunctionListEdit* edit,
                        const std::string& item);
    void fillTracers();
    void fillClocks();
    void applyOffers();
    void showOffer(const std::string& item, const Offer& offer);
    void startProbe(CapabilityProbe probe);
    void startFunctionLoad();
    void saveAsPresetDialog();
    void updateState();
    std::string otherOptionsText() const;

    std::unique_ptr<Tracefs> m_fs;
    QString m_fsError;
    std::vector<Capability> m_caps;
    bool m_probed = false;
    bool m_functionsLoaded = false;
    RecordConfig m_kept;  // what a preset set that the form shows no field for
    std::vector<PresetAsk> m_asks;
    QStringList m_unmatchedEvents;

    BackgroundPass* m_probePass = nullptr;
    BackgroundPass* m_functionPass = nullptr;
    QStringListModel* m_functionNames = nullptr;

    QComboBox* m_presets = nullptr;
    QLabel* m_presetNote = nullptr;
    EventTree* m_events = nullptr;
    QListWidget* m_tracer = nullptr;
    QLabel* m_tracerNote = nullptr;
    QLabel* m_probeState = nullptr;
    FunctionListEdit* m_ftraceFilter = nullptr;
    FunctionListEdit* m_ftraceNotrace = nullptr;
    FunctionListEdit* m_graphFunction = nullptr;
    FunctionListEdit* m_graphNotrace = nullptr;
    QSpinBox* m_depth = nullptr;
    QLabel* m_functionNote = nullptr;
    QSpinBox* m_bufferKb = nullptr;
    QComboBox* m_clock = nullptr;
    QComboBox* m_placement = nullptr;
    std::map<std::string, QCheckBox*> m_options;
    QLineEdit* m_otherOptions = nullptr;
    QButtonGroup* m_targetGroup = nullptr;
    ProcessPicker* m_processes = nullptr;
    QCheckBox* m_followFork = nullptr;
    QLineEdit* m_command = nullptr;
    QLineEdit* m_workDir = nullptr;
    QCheckBox* m_pidOnly = nullptr;
    QButtonGroup* m_stopGroup = nullptr;
    QDoubleSpinBox* m_seconds = nullptr;
    QLineEdit* m_output = nullptr;
    std::map<std::string, QWidget*> m_offerWidgets;
    std::map<std::string, QLabel*> m_offerLabels;
    QString m_presetError;
};

}  // namespace kestrel
