#include "jobs/background_pass.h"

#include "jobs/worker_priority.h"

namespace kestrel {

BackgroundPass::BackgroundPass(QObject* parent) : QObject(parent) {
    m_timer.setInterval(40);
    connect(&m_timer, &QTimer::timeout, this, &BackgroundPass::poll);
}

BackgroundPass::~BackgroundPass() {
    cancel();
}

void BackgroundPass::start(std::function<void(Progress&)> work, std::function<void()> done) {
    cancel();
    m_progress = std::make_unique<Progress>();
    m_finished = std::make_shared<std::atomic<bool>>(false);
    m_done = std::move(done);
    Progress* p = m_progress.get();
    auto finished = m_finished;
    m_thread = std::thread([work = std::move(work), p, finished] {
        lowerThisThreadPriority();
        work(*p);
        finished->store(true);
    });
    m_timer.start();
    emit started();
}

void BackgroundPass::cancel() {
    m_timer.stop();
    if (m_thread.joinable()) {
        m_progress->cancel = true;
        m_thread.join();
        m_done = nullptr;
        emit stopped();
    }
}

void BackgroundPass::poll() {
    if (!m_progress) return;
    emit progress(static_cast<qint64>(m_progress->done.load()),
                  static_cast<qint64>(m_progress->total.load()));
    if (!m_finished || !m_finished->load()) return;
    m_timer.stop();
    m_thread.join();
    auto done = std::move(m_done);
    m_done = nullptr;
    emit stopped();
    if (done) done();
}

}  // namespace kestrel
