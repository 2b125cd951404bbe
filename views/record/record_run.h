#pragma once
// One `ktr record ARGS` run as a child process, for the GUI: the GUI process never writes
// tracefs itself. As root, ktr runs directly; otherwise through pkexec and the polkit
// action org.kestrel.record (installed with kestrel; pkexec needs ktr's absolute path).
// Without pkexec or the action, start() fails with a message saying what to do.
//
// ktr writes its live figures on stdout (--status-fd 1, record_progress.h) and stops
// when its stdin closes (--stop-on-stdin-eof: a root process under pkexec cannot be
// signalled by the user); stop() closes stdin and sends SIGINT too, which is enough as
// root. A failure names the cause in words from ktr's stderr (tracefs missing,
// permission denied, disk full, command not found, top-level buffer busy); whatever was
// recorded stays in outputPath() and can be opened.
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>

#include "record_progress.h"

namespace kestrel {

class RecordRun : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Recording, Stopping, Finished, Failed };

    explicit RecordRun(QObject* parent = nullptr);
    ~RecordRun() override;  // a run still going is stopped and waited for

    // The ktr binary: beside the running program, else on PATH. Tests point it at theirs.
    void setKtrPath(const QString& path) { m_ktr = path; }
    QString ktrPath() const { return m_ktr; }
    // The polkit action pkexec needs when not root; tests point it elsewhere.
    void setPolicyPath(const QString& path) { m_policy = path; }
    // Milliseconds between figures (ktr's --status-interval).
    void setInterval(int ms) { m_intervalMs = ms; }
    // The longest time recorded pages wait before ktr writes them (--flush-interval): a
    // live view is this much behind at most, plus its own reopen interval.
    void setFlushInterval(int ms) { m_flushMs = ms; }

    // `arguments` are the words after `ktr record` (with -o OUT and `-- CMD`). False when
    // it cannot start: failure() says why.
    bool start(const QStringList& arguments, const QString& workingDirectory = {});
    void stop();
    // Blocks until the child has ended or `ms` pass (tests, the window closing).
    bool waitForFinished(int ms);

    State state() const { return m_state; }
    bool running() const { return m_state == State::Recording || m_state == State::Stopping; }
    const RecordProgress& figures() const { return m_figures; }
    bool hasFigures() const { return m_hasFigures; }
    QString outputPath() const { return m_output; }            // absolute
    bool outputExists() const;                                 // something was recorded there
    QString failure() const { return m_failure; }              // empty unless Failed
    QString log() const { return m_log; }                      // ktr's stderr
    QStringList commandLine() const { return m_commandLine; }  // program first
    int exitCode() const { return m_exitCode; }
    // ktr's process id once started (its tracefs instance is kestrel-PID), else 0.
    qint64 pid() const { return m_pid; }

    // The clear message for what ktr printed on stderr and its exit code. Public for
    // tests.
    static QString explain(const QString& stderrText, int exitCode);
    // The ktr beside `programDir` if there is one, else the one on PATH.
    static QString findKtr(const QString& programDir);

signals:
    void figuresChanged();
    void stateChanged(RecordRun::State state);
    void finished(bool ok);

private:
    void readFigures();
    void readLog();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void fail(const QString& message);
    void setState(State s);
    QString resolveOutput(const QStringList& arguments, const QString& dir) const;

    QProcess* m_process = nullptr;
    QString m_ktr;
    QString m_policy;
    int m_intervalMs = 250;
    int m_flushMs = 250;
    State m_state = State::Idle;
    RecordProgress m_figures;
    bool m_hasFigures = false;
    QString m_output;
    QString m_failure;
    QString m_log;
    QStringList m_commandLine;
    QByteArray m_pending;  // a figures line not complete yet
    int m_exitCode = -1;
    qint64 m_pid = 0;
};

}  // namespace kestrel
