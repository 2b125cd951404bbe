#pragma once
// The call trees of a fixture, for the flame graph and function table tests, and what the
// tests compute from the spans themselves to check those views against.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/call_tree.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "support/test_data.h"

namespace kestrel::test {

struct LoadedCalls {
    std::shared_ptr<const TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    std::shared_ptr<const CallTrees> trees;
    std::vector<std::string> names;  // per function

    const CallLane& laneOf(uint64_t span) const {
        for (const CallLane& l : trees->lanes)
            if (span >= l.first && span < l.first + l.count) return l;
        throw std::logic_error("span in no lane");
    }
};

inline LoadedCalls loadCalls(const std::string& fixture) {
    LoadedCalls l;
    auto model = TraceModel::open(dataPath(fixture));
    if (!model) throw std::runtime_error(model.message());
    l.model = std::move(model.value());
    auto formats = EventFormats::create(l.model->meta());
    if (!formats) throw std::runtime_error(formats.message());
    l.formats = std::move(formats.value());
    auto trees = buildCallTrees(*l.model, *l.formats);
    if (!trees) throw std::runtime_error(trees.message());
    l.trees = std::make_shared<CallTrees>(std::move(trees.value()));
    for (uint32_t f = 0; f < l.trees->functions.size(); ++f)
        l.names.push_back(l.trees->functionName(f, *l.formats));
    return l;
}

// The time of span `i` inside [from, to] as a flame graph counts it: a call with an exit,
// its time there; one without, the time of its direct callees (it has none measured).
inline uint64_t measured(const LoadedCalls& l, uint64_t i, uint64_t from = 0,
                         uint64_t to = UINT64_MAX) {
    const CallSpan& s = l.trees->spans[i];
    if (!(s.flags & CallSpan::kNoExit)) {
        const uint64_t lo = std::max(s.start, from), hi = std::min(s.end(), to);
        return hi > lo ? hi - lo : 0;
    }
    const CallLane& lane = l.laneOf(i);
    const uint64_t end = l.trees->subtreeEnd(i, lane);
    uint64_t sum = 0;
    for (uint64_t j = i + 1; j < end; ++j) {
        if (l.trees->spans[j].depth == s.depth + 1) sum += measured(l, j, from, to);
    }
    return sum;
}

// Runs the event loop until `pred` holds (background passes report through it).
template <class Pred>
bool waitFor(Pred pred, int ms = 30000) {
    QElapsedTimer timer;
    timer.start();
    while (!pred()) {
        if (timer.elapsed() > ms) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return true;
}

}  // namespace kestrel::test
