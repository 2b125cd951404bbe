#pragma once
// The one walk over the pages of a frame (consecutive sub-buffers of one CPU) and their
// events, for every full pass: scans, the sched analysis, conversion, the writer's frame
// figures and the model's end time. Pages are independent (each has its own header), so a
// page that does not decode is handed to onBadPage and the walk goes on with the next.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/status.h"
#include "ring/page_decoder.h"

namespace kestrel {

// onPage(const PageHeader&, size_t offset) -> bool: false skips that page's events.
// onEvent(const RawEvent&) for every event of the pages not skipped.
// onBadPage(size_t offset, const std::string& what) for a page whose header or one of
// whose events does not decode (the events before a bad one were handed out already).
// A trailing piece shorter than a page is read as far as it goes.
template <class OnPage, class OnEvent, class OnBadPage>
void walkPages(const uint8_t* data, size_t size, const PageFormat& format, OnPage&& onPage,
               OnEvent&& onEvent, OnBadPage&& onBadPage) {
    PageReader reader;
    RawEvent event;
    for (size_t at = 0; at + format.dataOffset <= size; at += format.pageSize) {
        size_t avail = std::min<size_t>(format.pageSize, size - at);
        Status st = reader.load(data + at, static_cast<uint32_t>(avail), format);
        if (!st.ok()) {
            onBadPage(at, st.message());
            continue;
        }
        if (!onPage(reader.header(), at)) continue;
        while (reader.next(event)) onEvent(event);
        if (!reader.error().empty()) onBadPage(at, reader.error());
    }
}

}  // namespace kestrel
