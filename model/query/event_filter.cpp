#include "query/event_filter.h"

#include <traceevent/event-parse.h>

#include <algorithm>

#include "query/filter_text.h"

namespace kestrel {

bool EventFilter::selectsAll() const {
    return pids.empty() && eventIds.empty() && advanced.empty() && from == 0 &&
           to == kUnknownTime && std::find(cpus.begin(), cpus.end(), false) == cpus.end();
}

bool EventFilter::selectsCpu(uint32_t cpu) const {
    return cpus.empty() || (cpu < cpus.size() && cpus[cpu]);
}

bool EventFilter::selectsPid(int32_t pid) const {
    return pids.empty() || std::binary_search(pids.begin(), pids.end(), pid);
}

bool EventFilter::selectsType(int id) const {
    return eventIds.empty() || std::binary_search(eventIds.begin(), eventIds.end(), id);
}

CursorOptions EventFilter::cursorOptions() const {
    CursorOptions o;
    o.from = from;
    o.to = to;
    return o;
}

FilterMatcher::FilterMatcher(const EventFilter& filter, EventFormats& formats)
    : m_filter(filter), m_formats(formats) {
    std::sort(m_filter.pids.begin(), m_filter.pids.end());
    std::sort(m_filter.eventIds.begin(), m_filter.eventIds.end());
}

FilterMatcher::~FilterMatcher() {
    if (m_tep) tep_filter_free(m_tep);
}

Result<std::unique_ptr<FilterMatcher>> FilterMatcher::create(const EventFilter& filter,
                                                             EventFormats& formats,
                                                             size_t* column) {
    if (column) *column = kNoColumn;
    std::unique_ptr<FilterMatcher> m(new FilterMatcher(filter, formats));
    if (filter.advanced.find_first_not_of(" \t\n") == std::string::npos) {
        return m;
    }
    // A handle of its own, whose COMM means the same for every matcher (see filterTwin),
    // with every format parsed: libtraceevent applies the text to the events its handle
    // knows by name.
    EventFormats& twin = formats.filterTwin();
    Status check = checkFilterText(filter.advanced, twin, column);
    if (!check.ok()) return check;
    m->m_tep = tep_filter_alloc(twin.tep());
    if (!m->m_tep) return Status::error("out of memory for the filter");
    tep_errno err = tep_filter_add_filter_str(m->m_tep, filter.advanced.c_str());
    if (err < 0) {
        char buf[256] = {};
        tep_filter_strerror(m->m_tep, err, buf, sizeof buf);
        // The expression libtraceevent echoes starts after the event list's ':'.
        const size_t colon = filter.advanced.find(':');
        const size_t expressionAt = colon == std::string::npos ? 0 : colon + 1;
        return Status::error(describeFilterError(filter.advanced, expressionAt, buf, column));
    }
    return m;
}

bool FilterMatcher::matches(const EventRef& event) const {
    if (!m_filter.selectsCpu(event.cpu)) return false;
    CommonFields common;
    if (!m_formats.common(event.raw, common)) return false;
    if (!m_filter.selectsPid(common.pid) || !m_filter.selectsType(common.type)) return false;
    if (!m_tep) return true;
    // event-filter.c: events the filter does not mention are dropped, as
    // `trace-cmd report -F` drops them.
    // CPU in the filter is the number the table shows: the CPU inside its buffer.
    const std::vector<CpuInfo>& cpus = m_formats.meta().cpus;
    tep_record record{};
    record.ts = event.ts;
    record.cpu = static_cast<int>(event.cpu < cpus.size() ? cpus[event.cpu].cpu : event.cpu);
    record.size = static_cast<int>(event.raw.size);
    record.data = const_cast<uint8_t*>(event.raw.data);
    return tep_filter_match(m_tep, &record) == TEP_ERRNO__FILTER_MATCH;
}

}  // namespace kestrel
