#pragma once
// Helpers for the tests that open traces in MainWindow: waiting for what arrives in the
// background (the analysis, the event panel and its row index), holding the analysis
// behind a latch, looking widgets up by object name.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QWidget>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "analysis/sched_timeline.h"
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

// Holds the window's analysis until release(): while held, the analysis is running
// whatever the machine's speed, so a test can act "during the analysis" without racing
// it. Declared after the window, it releases the analysis before the window joins it.
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

inline bool shown(const QWidget& w, const char* name) {
    const QWidget* widget = w.findChild<QWidget*>(QString::fromLatin1(name));
    return widget && widget->isVisibleTo(&w);
}

// Opens `trace` and waits for the analysis and the event panel it brings (nullptr if not).
inline EventPanel* openWithPanel(MainWindow& w, const FixtureCopy& trace) {
    w.setQuiet(true);
    if (!w.openFile(trace.path()) || !waitForAnalysis(w)) return nullptr;
    return w.eventPanel();
}

inline bool waitForIndex(EventPanel& panel) {
    QSignalSpy built(&panel, &EventPanel::indexBuilt);
    return panel.indexReady() || built.wait(30000);
}

// Opens `trace` quietly and waits for the analysis, the event panel and its row index
// (nullptr when any of them did not come).
inline EventPanel* openAndIndex(MainWindow& w, const FixtureCopy& trace) {
    EventPanel* panel = openWithPanel(w, trace);
    return panel && waitForIndex(*panel) ? panel : nullptr;
}

}  // namespace kestrel::test
