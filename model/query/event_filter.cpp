#include "query/event_filter.h"

#include <traceevent/event-parse.h>

#include <algorithm>

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

namespace {

// libtraceevent 1.7 (event-filter.c) reads past the end of the text, and crashes, on a
// trailing operator ("prev_prio <", "a == 1 &&") or an unclosed string; the user types
// this text, so such input is refused before it gets there.
Status checkFilterText(const std::string& text) {
    bool quoted = false;
    char last = 0;
    auto endOfPart = [&]() -> Status {
        if (quoted) return Status::error("filter \"" + text + "\": unterminated string");
        if (last && std::string_view("<>=!&|~(").find(last) != std::string_view::npos) {
            return Status::error("filter \"" + text + "\": expression ends with '" +
                                 std::string(1, last) + "'");
        }
        return Status();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
            last = 'x';
            continue;
        }
        if (c == '"') quoted = true;
        if (c == ',') {
            Status st = endOfPart();
            if (!st.ok()) return st;
            last = 0;
            continue;
        }
        if (c != ' ' && c != '\t' && c != '\n') last = c;
    }
    return endOfPart();
}

}  // namespace

FilterMatcher::FilterMatcher(const EventFilter& filter, EventFormats& formats)
    : m_filter(filter), m_formats(formats) {
    std::sort(m_filter.pids.begin(), m_filter.pids.end());
    std::sort(m_filter.eventIds.begin(), m_filter.eventIds.end());
}

FilterMatcher::~FilterMatcher() {
    if (m_tep) tep_filter_free(m_tep);
}

Result<std::unique_ptr<FilterMatcher>> FilterMatcher::create(const EventFilter& filter,
                                                             EventFormats& formats) {
    std::unique_ptr<FilterMatcher> m(new FilterMatcher(filter, formats));
    if (filter.advanced.find_first_not_of(" \t\n") == std::string::npos) {
        return m;
    }
    Status syntax = checkFilterText(filter.advanced);
    if (!syntax.ok()) return syntax;
    // A handle of its own, whose COMM means the same for every matcher (see filterTwin),
    // with every format parsed: libtraceevent applies the text to the events its handle
    // knows by name, all of them when the text names none.
    m->m_tep = tep_filter_alloc(formats.filterTwin().tep());
    if (!m->m_tep) return Status::error("out of memory for the filter");
    tep_errno err = tep_filter_add_filter_str(m->m_tep, filter.advanced.c_str());
    if (err < 0) {
        char buf[256] = {};
        tep_filter_strerror(m->m_tep, err, buf, sizeof buf);
        return Status::error("filter \"" + filter.advanced + "\": " + buf);
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
    tep_record record{};
    record.ts = event.ts;
    record.cpu = static_cast<int>(event.cpu);
    record.size = static_cast<int>(event.raw.size);
    record.data = const_cast<uint8_t*>(event.raw.data);
    return tep_filter_match(m_tep, &record) == TEP_ERRNO__FILTER_MATCH;
}

}  // namespace kestrel
