#pragma once
// One CPU's frames in time order, every event handed to a callback: the loop the
// per-CPU passes share (call trees, stack samples). A frame that does not read and a
// page that does not decode are noted in the model and skipped, like every pass does.
#include <string>
#include <vector>

#include "base/progress.h"
#include "base/status.h"
#include "decode/trace_model.h"
#include "ring/page_walk.h"

namespace kestrel {

// `what` names the pass in the error a cancel returns ("call trees cancelled").
template <class OnEvent>
Status walkCpuEvents(const TraceModel& model, size_t cpu, Progress* progress, const char* what,
                     OnEvent&& onEvent) {
    const CpuTrack& track = model.cpu(cpu);
    std::vector<uint8_t> buffer;
    for (uint32_t frameIndex : track.frames) {
        if (cancelled(progress)) {
            return Status::error(model.source().path() + ": " + what + " cancelled");
        }
        if (Status s = model.source().readFrame(frameIndex, buffer); !s.ok()) {
            model.noteBadFrame(frameIndex, s.message());
            advance(progress);
            continue;
        }
        walkPages(
            buffer.data(), buffer.size(), track.format,
            [](const PageHeader&, size_t) { return true; }, onEvent,
            [&](size_t at, const std::string& problem) {
                model.noteBadPage(frameIndex, static_cast<uint32_t>(at), problem);
            });
        advance(progress);
    }
    return {};
}

}  // namespace kestrel
