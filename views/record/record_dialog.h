#pragma once
// Configure a recording: events, tracer, filters, buffer, clock, options, target, stop
// condition, output. What the kernel refuses is shown disabled with the reason; what it
// allows only in the top-level buffer says so. The dialog decides what it offers from
// probeCapabilities (capture/capabilities.h), run once off the UI thread when it opens,
// never from a kernel version. It records nothing itself: recordRequested() hands the
// `ktr record` words (recordArguments()) to whoever runs them, who then feeds the
// "recording" page with showRecording(), showFigures() and showFinished().
#include <QDialog>
#include <QString>
#include <QStringList>
#include <QVector>

#include "record/record_figures.h"
#include "record/record_form.h"
#include "record_config.h"

class QLabel;
class QPushButton;
class QStackedWidget;

namespace kestrel {

class RecordingPage;

class RecordDialog : public QDialog {
    Q_OBJECT
public:
    // tracefsRoot: where tracefs is mounted ("" = find or mount it, as ktr record does).
    explicit RecordDialog(const QString& tracefsRoot = {}, QWidget* parent = nullptr);
    // The same with what finds the capabilities given (tests: what a kernel would answer).
    RecordDialog(const QString& tracefsRoot, CapabilityProbe probe, QWidget* parent = nullptr);
    ~RecordDialog() override;

    // The `ktr record` arguments of the configuration (the words after "record",
    // including -o OUTPUT and, for a launched command, `-- CMD ARGS`), and its parts:
    QStringList recordArguments() const;
    QString outputPath() const;
    QString workingDirectory() const;       // for a launched command; empty otherwise
    bool applyPreset(const QString& name);  // false: unknown

    // While recording, the dialog shows live figures and a Stop button (the run is
    // somebody else's; the dialog shows what it is given):
    void showRecording();  // switches to the "recording" page
    void showFigures(double elapsedSec, const QVector<RecordCpuFigures>& cpus);
    void showFinished(bool ok, const QString& message);  // back to a closable state

    // The configuration as the form holds it (recordArguments() are its words).
    RecordConfig config() const;
    // True once the capability probe has landed and the form shows its results.
    bool capabilitiesReady() const;
    RecordForm* form() const { return m_form; }
    RecordingPage* recordingPage() const { return m_recording; }
    QPushButton* recordButton() const { return m_record; }
    bool isRecording() const { return m_running; }
    void reject() override;  // refused while recording: Stop first

signals:
    void recordRequested();  // Record pressed; read recordArguments() etc.
    void stopRequested();
    void capabilitiesProbed();  // the form shows what the kernel allows

private:
    void updateButtons();

    RecordForm* m_form = nullptr;
    QLabel* m_problem = nullptr;
    QPushButton* m_record = nullptr;
    QPushButton* m_close = nullptr;
    RecordingPage* m_recording = nullptr;
    QStackedWidget* m_pages = nullptr;
    bool m_running = false;
};

}  // namespace kestrel
