#include "window/live_recording.h"

#include <QFileInfo>
#include <QTimer>

#include "jobs/worker_priority.h"
#include "record/record_run.h"

namespace kestrel {

LiveRecording::LiveRecording(QObject* parent) : QObject(parent), m_run(new RecordRun(this)) {
    m_timer = new QTimer(this);
    m_timer->setInterval(500);
    connect(m_timer, &QTimer::timeout, this, [this] { reopen(false); });
    connect(m_run, &RecordRun::finished, this, &LiveRecording::runFinished);
}

LiveRecording::~LiveRecording() {
    m_timer->stop();
    if (m_opener.joinable()) m_opener.join();
}

void LiveRecording::setInterval(int ms) {
    m_timer->setInterval(ms);
    m_run->setInterval(ms / 2);  // figures at least twice per reopen
}

bool LiveRecording::start(const QStringList& arguments, const QString& workingDirectory) {
    if (m_active) return false;
    m_liveModels = 0;
    m_finalPending = false;
    if (!m_run->start(arguments, workingDirectory)) return false;
    m_active = true;
    m_timer->start();
    return true;
}

void LiveRecording::stop() {
    m_run->stop();
}

// The open runs on a thread of its own and posts back; an open still under way makes
// this tick a no-op (the final open waits for it, see delivered).
void LiveRecording::reopen(bool final) {
    if (m_opening) {
        if (final) m_finalPending = true;
        return;
    }
    const QString path = m_run->outputPath();
    if (!final && QFileInfo(path).size() == 0) return;  // ktr has not created it yet
    if (m_opener.joinable()) m_opener.join();           // it has posted: returns at once
    m_opening = true;
    QPointer<LiveRecording> self(this);
    m_opener = std::thread([self, path, final] {
        lowerThisThreadPriority();
        auto opened = TraceModel::open(path.toStdString());
        std::shared_ptr<TraceModel> model;
        QString error;
        if (opened)
            model = std::move(opened.value());
        else
            error = QString::fromStdString(opened.message());
        QMetaObject::invokeMethod(
            self.data(),
            [self, model, final, error] {
                if (self) self->delivered(model, final, error);
            },
            Qt::QueuedConnection);
    });
}

void LiveRecording::delivered(std::shared_ptr<TraceModel> model, bool final, const QString& error) {
    m_opening = false;
    if (final) {
        m_active = false;
        if (model)
            emit finalModel(std::move(model));
        else
            emit failed(tr("The recording finished but %1 does not open: %2")
                            .arg(m_run->outputPath(), error));
        return;
    }
    if (m_finalPending) return reopen(true);
    if (!m_active) return;  // ktr failed meanwhile: the window opens what it left
    // An early scan may find no frame yet, or a block being written: the next tick
    // tries again.
    if (model && !model->frames().empty()) {
        ++m_liveModels;
        emit liveModel(std::move(model));
    }
}

void LiveRecording::runFinished(bool ok) {
    m_timer->stop();
    if (ok) return reopen(true);
    m_active = false;
    if (m_opening) m_finalPending = false;
    emit failed(m_run->failure());
}

}  // namespace kestrel
