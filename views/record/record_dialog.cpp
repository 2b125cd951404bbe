#include "record_dialog.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "record/recording_page.h"
#include "record_presets.h"

namespace kestrel {

RecordDialog::RecordDialog(const QString& tracefsRoot, QWidget* parent)
    : RecordDialog(tracefsRoot, probeCapabilities, parent) {}

RecordDialog::RecordDialog(const QString& tracefsRoot, CapabilityProbe probe, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Record a trace"));
    m_pages = new QStackedWidget(this);
    m_form = new RecordForm(tracefsRoot, std::move(probe), m_pages);
    m_recording = new RecordingPage(m_pages);
    m_pages->addWidget(m_form);
    m_pages->addWidget(m_recording);
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_record = new QPushButton(tr("Record"), this);
    m_record->setDefault(true);
    m_close = new QPushButton(tr("Close"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_problem, 1);
    buttons->addWidget(m_record);
    buttons->addWidget(m_close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_pages, 1);
    layout->addLayout(buttons);
    connect(m_form, &RecordForm::changed, this, &RecordDialog::updateButtons);
    connect(m_form, &RecordForm::capabilitiesProbed, this, &RecordDialog::capabilitiesProbed);
    connect(m_record, &QPushButton::clicked, this, [this] {
        if (m_pages->currentWidget() == m_recording) {  // after a recording: set up another
            m_pages->setCurrentWidget(m_form);
            updateButtons();
            return;
        }
        if (m_form->problem().isEmpty()) emit recordRequested();
    });
    connect(m_close, &QPushButton::clicked, this, &RecordDialog::reject);
    connect(m_recording, &RecordingPage::stopRequested, this, &RecordDialog::stopRequested);
    resize(1200, 760);
    updateButtons();
}

RecordDialog::~RecordDialog() = default;

QStringList RecordDialog::recordArguments() const {
    QStringList out;
    for (const std::string& w : recordWords(m_form->config())) out << QString::fromStdString(w);
    return out;
}

QString RecordDialog::outputPath() const {
    return m_form->outputPath();
}

QString RecordDialog::workingDirectory() const {
    return m_form->workingDirectory();
}

bool RecordDialog::applyPreset(const QString& name) {
    return m_form->applyPreset(name);
}

RecordConfig RecordDialog::config() const {
    return m_form->config();
}

bool RecordDialog::capabilitiesReady() const {
    return m_form->capabilitiesReady();
}

void RecordDialog::showRecording() {
    m_running = true;
    m_recording->start(tr("Recording into %1").arg(outputPath()));
    m_pages->setCurrentWidget(m_recording);
    updateButtons();
}

void RecordDialog::showFigures(double elapsedSec, const QVector<RecordCpuFigures>& cpus) {
    m_recording->showFigures(elapsedSec, cpus);
}

void RecordDialog::showFinished(bool ok, const QString& message) {
    m_running = false;
    m_recording->finish(ok, message);
    updateButtons();
}

void RecordDialog::reject() {
    if (m_running) return;  // Stop first: the run is not the dialog's to abandon
    QDialog::reject();
}

void RecordDialog::updateButtons() {
    const bool onForm = m_pages->currentWidget() == m_form;
    m_close->setEnabled(!m_running);
    m_record->setVisible(!m_running);
    m_record->setText(onForm ? tr("Record") : tr("New recording..."));
    const QString problem = onForm ? m_form->problem() : QString();
    m_record->setEnabled(problem.isEmpty());
    m_problem->setText(problem);
    m_problem->setStyleSheet(QStringLiteral("color: #a04000"));
}

}  // namespace kestrel
