#pragma once
// Opening a fixture in a MainWindow and waiting for what arrives in the background: the
// analysis (timeline and event panel) and the panel's row index.
#include <QSignalSpy>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "events/event_panel.h"
#include "fixture_copy.h"
#include "timeline/timeline_view.h"
#include "window/main_window.h"

namespace kestrel::test {

inline bool waitForAnalysis(MainWindow& w) {
    QSignalSpy spy(&w, &MainWindow::analysisFinished);
    if (!w.analysisRunning() && w.timelineView()->timeline()) return true;
    return spy.wait(30000) && spy.takeFirst().at(0).toBool();
}

inline bool waitForIndex(EventPanel& panel) {
    QSignalSpy built(&panel, &EventPanel::indexBuilt);
    return panel.indexReady() || built.wait(30000);
}

// Opens `trace` quietly and waits for the analysis, the event panel and its row index
// (nullptr when any of them did not come).
inline EventPanel* openAndIndex(MainWindow& w, const FixtureCopy& trace) {
    w.setQuiet(true);
    if (!w.openFile(trace.path()) || !waitForAnalysis(w) || !w.eventPanel()) return nullptr;
    return waitForIndex(*w.eventPanel()) ? w.eventPanel() : nullptr;
}

// Holds the window's analysis until release(): while held, the analysis is running
// whatever the machine's speed. Declared after the window, it releases the analysis
// before the window joins it.
class HeldAnalysis {
public:
    explicit HeldAnalysis(MainWindow& w) {
        w.setAnalysis([gate = m_gate](const TraceModel& model, const EventFormats& formats,
                                      Progress* progress) {
            gate->wait();
            return analyzeSched(model, formats, progress);
        });
    }
    ~HeldAnalysis() { release(); }
    void release() { m_gate->open(); }

private:
    struct Gate {
        std::mutex mutex;
        std::condition_variable opened;
        bool isOpen = false;
        void open() {
            std::lock_guard lock(mutex);
            isOpen = true;
            opened.notify_all();
        }
        void wait() {
            std::unique_lock lock(mutex);
            opened.wait(lock, [this] { return isOpen; });
        }
    };
    std::shared_ptr<Gate> m_gate = std::make_shared<Gate>();
};

}  // namespace kestrel::test
