// kestrel: the GUI. `kestrel [FILE]`
// KESTREL_EXIT_WHEN_IDLE=1 prints the first-draw and idle times and the longest UI-thread
// stall (views/stall_probe.h) to stderr and quits once the background analyses finish
// (docs/performance.md uses it).
#include <QApplication>
#include <QFileInfo>
#include <chrono>

#include "window/main_window.h"

int main(int argc, char** argv) {
    const auto launch = std::chrono::steady_clock::now();
    // Read the trace's index while Qt starts: the first draw waits only for the later.
    kestrel::MainWindow::PendingOpen pending;
    const bool haveFile = argc > 1 && QFileInfo(QString::fromLocal8Bit(argv[1])).isFile();
    if (haveFile) pending = kestrel::MainWindow::openInBackground(argv[1]);
    QApplication app(argc, argv);
    QApplication::setApplicationName("kestrel");
    QApplication::setOrganizationName("kestrel");
    kestrel::MainWindow window;
    window.setLaunchTime(launch);
    const bool exitWhenIdle = qEnvironmentVariableIntValue("KESTREL_EXIT_WHEN_IDLE") == 1;
    window.setExitWhenIdle(exitWhenIdle);
    window.setQuiet(exitWhenIdle);
    const QStringList args = QApplication::arguments();
    if (args.size() > 1) {
        const bool started = haveFile ? window.openFile(args.at(1), std::move(pending))
                                      : window.openFile(args.at(1));
        if (!started && exitWhenIdle) return 1;
    }
    window.show();
    return QApplication::exec();
}
