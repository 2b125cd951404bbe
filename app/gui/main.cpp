// kestrel: the GUI. `kestrel [FILE]`
// KESTREL_EXIT_WHEN_IDLE=1 prints the first-draw and idle times to stderr and quits
// once the background analyses finish (docs/performance.md uses it).
#include <QApplication>
#include <chrono>

#include "main_window.h"

int main(int argc, char** argv) {
    const auto launch = std::chrono::steady_clock::now();
    QApplication app(argc, argv);
    QApplication::setApplicationName("kestrel");
    QApplication::setOrganizationName("kestrel");
    kestrel::MainWindow window;
    window.setLaunchTime(launch);
    const bool exitWhenIdle = qEnvironmentVariableIntValue("KESTREL_EXIT_WHEN_IDLE") == 1;
    window.setExitWhenIdle(exitWhenIdle);
    window.setQuiet(exitWhenIdle);
    // Start reading the trace before the window is shown: the open runs in the
    // background while Qt sets the window up.
    const QStringList args = QApplication::arguments();
    if (args.size() > 1 && !window.openFile(args.at(1)) && exitWhenIdle) return 1;
    window.show();
    return QApplication::exec();
}
