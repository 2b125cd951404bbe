#include "window/live_screenshot.h"

#include <QApplication>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QPushButton>
#include <QTimer>
#include <cstdio>

#include "record/record_dialog.h"
#include "record/record_form.h"
#include "record/record_run.h"
#include "record/recording_page.h"
#include "record/recording_page.h"
#include "window/live_recording.h"
#include "window/main_window.h"

namespace kestrel {
namespace {

// The window's picture with the dialog's recording page (figures, Stop) drawn over its
// lower right part at a compact size: the dialog keeps the size of its settings page, which
// would hide the timeline's rows.
QImage compose(MainWindow& window, RecordDialog& dialog) {
    QImage image = window.grab().toImage();
    RecordingPage* page = dialog.recordingPage();
    const QSize full = page->size();
    page->resize(660, 250);
    const QImage over = page->grab().toImage();
    page->resize(full);
    const int x = image.width() - over.width() - 24;
    const int y = image.height() - over.height() - 32;
    QPainter p(&image);
    p.fillRect(QRect(x + 6, y + 6, over.width(), over.height()), QColor(0, 0, 0, 60));
    p.drawImage(x, y, over);
    p.setPen(QColor(90, 90, 90));
    p.drawRect(QRect(x, y, over.width() - 1, over.height() - 1));
    return image;
}

}  // namespace

int liveRecordingScreenshot() {
    const QString path = qEnvironmentVariable("KESTREL_SCREENSHOT");
    if (path.isEmpty() || qEnvironmentVariable("KESTREL_SCREENSHOT_DIALOG") != "record-live")
        return -1;
    const QString preset = qEnvironmentVariable("KESTREL_SCREENSHOT_PRESET", "sched");
    const QString output =
        qEnvironmentVariable("KESTREL_SCREENSHOT_OUTPUT", QDir::temp().filePath("live.ktr"));
    const QString command = qEnvironmentVariable("KESTREL_SCREENSHOT_COMMAND", "sleep 30");
    MainWindow window;
    window.setQuiet(true);
    window.resize(1400, 980);
    window.show();
    window.showRecordDialog();
    RecordDialog* dialog = window.recordDialog();
    int status = 1;
    auto record = [&] {
        if (!dialog->applyPreset(preset)) {
            std::fprintf(stderr, "kestrel: no preset %s\n", qPrintable(preset));
            QApplication::exit(1);
            return;
        }
        dialog->form()->setTarget(RecordForm::Target::Command);
        dialog->form()->setCommand(command, QDir::tempPath());
        dialog->form()->setStop(RecordForm::Stop::CommandExit);
        dialog->form()->setOutputPath(output);
        dialog->recordButton()->click();
    };
    if (dialog->capabilitiesReady())
        QTimer::singleShot(0, dialog, record);
    else
        QObject::connect(dialog, &RecordDialog::capabilitiesProbed, dialog, record);
    // The fifth live model: a few seconds of a growing timeline, figures on the page.
    QObject::connect(&window, &MainWindow::liveModelShown, &window, [&] {
        if (window.liveRecording()->liveModels() != 5) return;
        QTimer::singleShot(300, &window, [&] {
            status = compose(window, *dialog).save(path) ? 0 : 1;
            window.stopRecording();
        });
    });
    QObject::connect(&window, &MainWindow::recordingFailed, &window,
                     [](const QString&) { QApplication::exit(1); });
    QObject::connect(&window, &MainWindow::fileOpened, &window,
                     [&](bool) { QApplication::exit(status); });
    QTimer::singleShot(60000, &window, [] { QApplication::exit(1); });
    return QApplication::exec();
}

}  // namespace kestrel
