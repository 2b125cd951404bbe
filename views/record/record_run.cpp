#include "record/record_run.h"

#include <signal.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace kestrel {
namespace {

const char* kPolicy = KESTREL_POLKIT_POLICY;

// The first line of `text` holding `needle`, without ktr's "ktr record: " prefix.
QString lineWith(const QString& text, const QString& needle) {
    for (QString line : text.split('\n')) {
        if (!line.contains(needle, Qt::CaseInsensitive)) continue;
        line.remove(QStringLiteral("ktr record: "));
        return line.trimmed();
    }
    return {};
}

// The last thing ktr said, for failures with no explanation of their own.
QString lastKtrLine(const QString& text) {
    const QStringList lines = text.split('\n', Qt::SkipEmptyParts);
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        if (it->startsWith(QStringLiteral("ktr record: ")))
            return it->mid(int(qstrlen("ktr record: "))).trimmed();
    }
    return lines.isEmpty() ? QString() : lines.last().trimmed();
}

}  // namespace

RecordRun::RecordRun(QObject* parent)
    : QObject(parent),
      m_ktr(findKtr(QCoreApplication::applicationDirPath())),
      m_policy(QString::fromLatin1(kPolicy)) {}

RecordRun::~RecordRun() {
    if (!m_process) return;
    disconnect(m_process, nullptr, this, nullptr);
    if (m_process->state() != QProcess::NotRunning) {
        stop();
        if (!m_process->waitForFinished(10000)) m_process->kill();
        m_process->waitForFinished(2000);
    }
}

QString RecordRun::findKtr(const QString& programDir) {
    const QString beside = QDir(programDir).filePath(QStringLiteral("ktr"));
    if (QFileInfo(beside).isExecutable()) return QFileInfo(beside).absoluteFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("ktr"));
}

// The -o/--output value made absolute against the working directory; ktr's default
// otherwise.
QString RecordRun::resolveOutput(const QStringList& arguments, const QString& dir) const {
    QString output = QStringLiteral("trace.ktr");
    for (int i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments[i];
        if (a == QLatin1String("--")) break;
        if ((a == QLatin1String("-o") || a == QLatin1String("--output")) &&
            i + 1 < arguments.size())
            output = arguments[++i];
        else if (a.startsWith(QLatin1String("--output=")))
            output = a.mid(9);
    }
    return QFileInfo(QDir(dir.isEmpty() ? QDir::currentPath() : dir), output).absoluteFilePath();
}

bool RecordRun::start(const QStringList& arguments, const QString& workingDirectory) {
    if (running()) return false;
    m_figures = {};
    m_hasFigures = false;
    m_failure.clear();
    m_log.clear();
    m_pending.clear();
    m_exitCode = -1;
    m_output = resolveOutput(arguments, workingDirectory);
    if (m_ktr.isEmpty() || !QFileInfo(m_ktr).isExecutable()) {
        fail(
            tr("The recorder (ktr) was not found beside kestrel or on PATH: install kestrel "
               "with `cmake --install`, or put ktr on PATH."));
        return false;
    }
    const QString ktr = QFileInfo(m_ktr).absoluteFilePath();
    QStringList words = {QStringLiteral("record"),      QStringLiteral("--status-fd"),
                         QStringLiteral("1"),           QStringLiteral("--status-interval"),
                         QString::number(m_intervalMs), QStringLiteral("--flush-interval"),
                         QString::number(m_flushMs),    QStringLiteral("--stop-on-stdin-eof")};
    words += arguments;
    if (::geteuid() == 0) {
        m_commandLine = QStringList{ktr} + words;
    } else {
        const QString pkexec = QStandardPaths::findExecutable(QStringLiteral("pkexec"));
        if (pkexec.isEmpty() || !QFileInfo::exists(m_policy)) {
            fail(tr("Recording needs root. Kestrel asks for it through pkexec and its polkit "
                    "action, but %1 is missing: install the policykit-1 (pkexec) package and "
                    "kestrel with `sudo cmake --install build`, or record with `sudo ktr record "
                    "...` and open the file.")
                     .arg(pkexec.isEmpty() ? tr("pkexec") : m_policy));
            return false;
        }
        m_commandLine = QStringList{pkexec, ktr} + words;
    }
    if (m_process) {  // the previous run's, ended
        m_process->disconnect(this);
        m_process->deleteLater();
    }
    m_process = new QProcess(this);
    if (!workingDirectory.isEmpty()) m_process->setWorkingDirectory(workingDirectory);
    m_pid = 0;
    connect(m_process, &QProcess::started, this, [this] { m_pid = m_process->processId(); });
    connect(m_process, &QProcess::readyReadStandardOutput, this, &RecordRun::readFigures);
    connect(m_process, &QProcess::readyReadStandardError, this, &RecordRun::readLog);
    connect(m_process, &QProcess::finished, this, &RecordRun::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) onFinished(-1, QProcess::CrashExit);
    });
    setState(State::Recording);
    m_process->start(m_commandLine.first(), m_commandLine.mid(1));
    return true;
}

// Closing stdin stops ktr even as root under pkexec; SIGINT is the same request where
// the user may signal it.
void RecordRun::stop() {
    if (!m_process || m_state != State::Recording) return;
    setState(State::Stopping);
    m_process->closeWriteChannel();
    if (m_process->processId() > 0) ::kill(pid_t(m_process->processId()), SIGINT);
}

bool RecordRun::waitForFinished(int ms) {
    if (!m_process || m_process->state() == QProcess::NotRunning) return true;
    return m_process->waitForFinished(ms);
}

bool RecordRun::outputExists() const {
    QFileInfo info(m_output);
    return info.isFile() && info.size() > 0;
}

void RecordRun::readFigures() {
    m_pending += m_process->readAllStandardOutput();
    bool changed = false;
    for (qsizetype nl; (nl = m_pending.indexOf('\n')) >= 0;) {
        const std::string line = m_pending.left(nl).toStdString();
        m_pending.remove(0, nl + 1);
        if (auto p = parseProgress(line)) {
            m_figures = std::move(*p);
            m_hasFigures = changed = true;
        }
    }
    if (changed) emit figuresChanged();
}

void RecordRun::readLog() {
    m_log += QString::fromLocal8Bit(m_process->readAllStandardError());
}

// ktr exits with the traced command's status: a recording went well when ktr says it
// wrote the file, whatever the command returned.
void RecordRun::onFinished(int exitCode, QProcess::ExitStatus status) {
    if (m_state == State::Finished || m_state == State::Failed) return;
    readFigures();
    readLog();
    m_exitCode = status == QProcess::NormalExit ? exitCode : -1;
    if (status == QProcess::CrashExit && m_process->error() == QProcess::FailedToStart) {
        fail(tr("Cannot start %1: %2").arg(m_commandLine.first(), m_process->errorString()));
    } else if (m_log.contains(QStringLiteral("ktr record: wrote "))) {
        setState(State::Finished);
        emit finished(true);
        return;
    } else if (m_commandLine.size() > 1 && m_commandLine.first().endsWith("/pkexec") &&
               (m_exitCode == 126 || m_exitCode == 127) &&
               !m_log.contains(QStringLiteral("ktr record"))) {
        fail(
            tr("Root access was not granted (the authentication was dismissed or refused): "
               "nothing was recorded."));
    } else {
        fail(explain(m_log, m_exitCode));
    }
    emit finished(false);
}

QString RecordRun::explain(const QString& text, int exitCode) {
    QString kept = tr(" What was recorded until then is kept and can be opened.");
    if (QString line = lineWith(text, QStringLiteral("cannot run ")); !line.isEmpty()) {
        const QString command = line.section(' ', 2, 2).chopped(1);
        return exitCode == 126
                   ? tr("The command %1 cannot be run (%2): check its permissions. Nothing "
                        "was recorded.")
                         .arg(command, line.section(": ", 1))
                   : tr("The command %1 was not found: check its name or give its full path. "
                        "Nothing was recorded.")
                         .arg(command);
    }
    if (QString line = lineWith(text, QStringLiteral("No space left")); !line.isEmpty())
        return tr("The disk is full (%1): recording stopped.").arg(line) + kept;
    if (QString line = lineWith(text, QStringLiteral("tracefs not found")); !line.isEmpty())
        return tr(
            "The kernel's tracing file system (tracefs) is not available and could not "
            "be mounted: the kernel needs CONFIG_FTRACE, or mount it with `sudo mount -t "
            "tracefs nodev /sys/kernel/tracing`.");
    if (QString line = lineWith(text, QStringLiteral("top-level buffer is in use"));
        !line.isEmpty())
        return tr("The kernel's top-level trace buffer is busy: %1. Stop the other tracer, or "
                  "record in an instance (drop what needs the top level).")
            .arg(line);
    for (const char* words : {"needs root", "Permission denied", "not writable",
                              "Operation not "
                              "permitted"}) {
        if (QString line = lineWith(text, QString::fromLatin1(words)); !line.isEmpty())
            return tr("Permission denied: recording needs root (%1).").arg(line);
    }
    const QString last = lastKtrLine(text);
    if (last.isEmpty()) return tr("The recorder stopped (exit status %1).").arg(exitCode);
    return tr("Recording failed: %1.").arg(last) + kept;
}

void RecordRun::fail(const QString& message) {
    m_failure = message;
    setState(State::Failed);
}

void RecordRun::setState(State s) {
    if (m_state == s) return;
    m_state = s;
    emit stateChanged(s);
}

}  // namespace kestrel
