#pragma once
// The one walk over the pages of a frame (consecutive sub-buffers of one CPU) and their
// events, for every full pass: scans, the sched analysis, conversion, the writer's frame
// figures and the model's end time. A page that does not decode ends the walk with
// "page at +OFFSET: WHAT"; the caller adds the file and the frame.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/status.h"
#include "ring/page_decoder.h"

namespace kestrel {

inline Status pageError(size_t offset, const std::string& what) {
    return Status::error("page at +" + std::to_string(offset) + ": " + what);
}

// onPage(const PageHeader&, size_t offset) -> bool: false skips that page's events.
// onEvent(const RawEvent&) for every event of the pages not skipped. A trailing piece
// shorter than a page is read as far as it goes (the page decoder bounds it).
template <class OnPage, class OnEvent>
Status walkPages(const uint8_t* data, size_t size, const PageFormat& format, OnPage&& onPage,
                 OnEvent&& onEvent) {
    PageReader reader;
    RawEvent event;
    for (size_t at = 0; at + format.dataOffset <= size; at += format.pageSize) {
        size_t avail = std::min<size_t>(format.pageSize, size - at);
        Status st = reader.load(data + at, static_cast<uint32_t>(avail), format);
        if (!st.ok()) return pageError(at, st.message());
        if (!onPage(reader.header(), at)) continue;
        while (reader.next(event)) onEvent(event);
        if (!reader.error().empty()) return pageError(at, reader.error());
    }
    return {};
}

}  // namespace kestrel
