#pragma once
// Runs one long pass (index build, search, scan) on a thread of its own and reports
// its real progress: the pass counts finished units into a Progress, a GUI timer
// reads the counters. Starting a new pass cancels and joins the old one, whose result
// is dropped (hotspot's jobtracker: stale results never arrive).
#include <QObject>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "base/progress.h"

namespace kestrel {

class BackgroundPass : public QObject {
    Q_OBJECT
public:
    explicit BackgroundPass(QObject* parent = nullptr);
    ~BackgroundPass() override;

    // `work` runs on the pass thread; `done` on the GUI thread once `work` returned
    // (not when the pass was cancelled by cancel() or a new start()).
    void start(std::function<void(Progress&)> work, std::function<void()> done);
    void cancel();
    bool running() const { return m_thread.joinable(); }

signals:
    void progress(qint64 done, qint64 total);
    void started();
    void stopped();

private:
    void poll();

    std::thread m_thread;
    std::unique_ptr<Progress> m_progress;
    std::shared_ptr<std::atomic<bool>> m_finished;
    std::function<void()> m_done;
    QTimer m_timer;
};

}  // namespace kestrel
