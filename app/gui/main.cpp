// kestrel: the GUI. `kestrel [FILE]`, `kestrel --help`, `kestrel --version`.
// KESTREL_EXIT_WHEN_IDLE=1 prints the first-draw and idle times and the longest UI-thread
// stall (views/window/stall_probe.h) to stderr and quits once the background analyses
// finish (docs/performance.md uses it). KESTREL_RECORD="ARGS" starts `ktr record ARGS` at
// launch, shown live.
#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <chrono>
#include <cstdio>

#include "record/record_screenshot.h"
#include "window/live_screenshot.h"
#include "window/main_window.h"

namespace {

// Qt's own options (QGuiApplication, QApplication: -platform, -style, ...), which
// QApplication takes out of argv: accepted here so they are no usage error, and left out
// of --help.
void acceptQtOptions(QCommandLineParser& parser) {
    for (const char* name :
         {"platform", "platformpluginpath", "platformtheme", "plugin", "qwindowgeometry",
          "qwindowicon", "qwindowtitle", "display", "geometry", "title", "name", "session", "style",
          "stylesheet", "qmljsdebugger"}) {
        QCommandLineOption option(QString::fromLatin1(name), {}, QStringLiteral("value"));
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
    for (const char* name : {"reverse", "widgetcount", "nograb", "dograb", "sync"}) {
        QCommandLineOption option(QString::fromLatin1(name));
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
}

void describe(QCommandLineParser& parser) {
    parser.setApplicationDescription(
        "Kestrel: a viewer for Linux kernel traces (ftrace): which task ran on which CPU\n"
        "when, who woke whom, where a function spent its time. It opens .ktr files and\n"
        "trace-cmd trace.dat files (v6 and v7).\n\n"
        "KESTREL_EXIT_WHEN_IDLE=1 quits once the analyses have finished, printing timings.");
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);  // -platform
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("FILE", "a .ktr or trace.dat file to open", "[FILE]");
    acceptQtOptions(parser);
}

int usageError(const QString& problem) {
    std::fprintf(stderr, "kestrel: %s\nRun with --help for more information.\n",
                 qPrintable(problem));
    return 2;
}

// Help under the name users type, whatever path started the binary (helpText takes it
// from the application's arguments).
void printHelp(const QCommandLineParser& parser) {
    int argc = 1;
    char name[] = "kestrel";
    char* argv[] = {name, nullptr};
    QCoreApplication core(argc, argv);
    std::fputs(qPrintable(parser.helpText()), stdout);
}

}  // namespace

int main(int argc, char** argv) {
    const auto launch = std::chrono::steady_clock::now();
    QCoreApplication::setApplicationName("kestrel");
    QCoreApplication::setOrganizationName("kestrel");
    QCoreApplication::setApplicationVersion(KESTREL_VERSION);
    // Parsed before QApplication exists: --help, --version and usage errors need no
    // display, and the trace's index is read while Qt starts.
    QStringList args;
    for (int i = 0; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser parser;
    describe(parser);
    const bool parsed = parser.parse(args);
    if (parser.isSet("help") || parser.isSet("help-all")) {
        printHelp(parser);
        return 0;
    }
    if (parser.isSet("version")) {
        std::printf("kestrel %s\n", KESTREL_VERSION);
        return 0;
    }
    if (!parsed) return usageError(parser.errorText());
    const QStringList files = parser.positionalArguments();
    if (files.size() > 1)
        return usageError(QStringLiteral("one trace at a time: %1 files given").arg(files.size()));
    const QString file = files.value(0);

    // Read the trace's index while Qt starts: the first draw waits only for the later.
    kestrel::MainWindow::PendingOpen pending;
    if (!file.isEmpty() && QFileInfo(file).isFile())
        pending = kestrel::MainWindow::openInBackground(QFile::encodeName(file).toStdString());
    QApplication app(argc, argv);
    if (int shot = kestrel::recordDialogScreenshot(); shot >= 0) return shot;
    if (int shot = kestrel::liveRecordingScreenshot(); shot >= 0) return shot;
    kestrel::MainWindow window;
    window.setLaunchTime(launch);
    const bool exitWhenIdle = qEnvironmentVariableIntValue("KESTREL_EXIT_WHEN_IDLE") == 1;
    window.setExitWhenIdle(exitWhenIdle);
    window.setQuiet(exitWhenIdle);
    if (!file.isEmpty()) {
        const bool started = window.openFile(file, std::move(pending));
        if (!started && exitWhenIdle) return 1;
    }
    // KESTREL_RECORD="ARGS": record at launch, as the record dialog would (measuring the
    // live view: docs/performance.md).
    const QString record = qEnvironmentVariable("KESTREL_RECORD");
    if (!record.isEmpty() && !window.startRecording(QProcess::splitCommand(record)) && exitWhenIdle)
        return 1;
    window.show();
    return QApplication::exec();
}
