#include "record_screenshot.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <cstdio>

#include "record/function_list_edit.h"
#include "record/record_dialog.h"

namespace kestrel {
namespace {

QString variable(const char* name) {
    return qEnvironmentVariable(name);
}

// "item\tinstance\ttop level" lines.
std::vector<Capability> readAnswers(const QString& path) {
    std::vector<Capability> rows;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) return rows;
    QTextStream in(&file);
    while (!in.atEnd()) {
        const QStringList cells = in.readLine().split('\t');
        if (cells.size() != 3) continue;
        rows.push_back({cells[0].toStdString(), cells[1].toStdString(), cells[2].toStdString()});
    }
    return rows;
}

}  // namespace

int recordDialogScreenshot() {
    const QString path = variable("KESTREL_SCREENSHOT");
    if (path.isEmpty() || variable("KESTREL_SCREENSHOT_DIALOG") != QLatin1String("record"))
        return -1;
    CapabilityProbe probe = probeCapabilities;
    if (const QString answers = variable("KESTREL_SCREENSHOT_PROBE"); !answers.isEmpty()) {
        std::vector<Capability> rows = readAnswers(answers);
        probe = [rows](const Tracefs&) { return rows; };
    }
    RecordDialog dialog(variable("KESTREL_SCREENSHOT_TRACEFS"), probe);
    dialog.show();
    QElapsedTimer waited;
    waited.start();
    while (!(dialog.capabilitiesReady() && dialog.form()->functionsLoaded()) &&
           waited.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (const QString preset = variable("KESTREL_SCREENSHOT_PRESET"); !preset.isEmpty())
        dialog.applyPreset(preset);
    if (const QString tracer = variable("KESTREL_SCREENSHOT_TRACER"); !tracer.isEmpty())
        dialog.form()->setTracer(tracer);
    if (const QString graph = variable("KESTREL_SCREENSHOT_GRAPH"); !graph.isEmpty())
        dialog.form()->graphFunctions()->setText(graph);
    for (int i = 0; i < 10; ++i) QCoreApplication::processEvents();
    if (!dialog.grab().save(path)) {
        std::fprintf(stderr, "kestrel: cannot write %s\n", qPrintable(path));
        return 1;
    }
    return 0;
}

}  // namespace kestrel
