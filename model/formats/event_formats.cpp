// Design: libtraceevent (with its plugins, loaded as trace-cmd loads them) is the
// reference renderer; the hottest events take fast paths that produce the same bytes
// (print_program.h: compiled print fmts; plugin_handlers.h: copies of the sched and
// function plugin handlers). Formats are parsed on first use (see the header).
#include "formats/event_formats.h"

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "base/byte_order.h"
#include "formats/format_helpers.h"
#include "formats/plugin_handlers.h"
#include "formats/print_program.h"

namespace kestrel {
namespace {

// Formats whose fields lie further out than this are not trusted (a format file is a
// few hundred bytes of fields; a sub-buffer is at most a few MiB).
constexpr uint32_t kMaxExtent = 1u << 20;
// Bytes of zeros kept after a payload copy, so %s on an unterminated char array stops.
constexpr uint32_t kPayloadPad = 16;

// The value after "KEY: " on a line of a format file, or empty.
std::string_view formatLine(std::string_view text, std::string_view key) {
    for (size_t at = 0; at < text.size();) {
        size_t end = text.find('\n', at);
        std::string_view line = text.substr(at, end == std::string_view::npos ? end : end - at);
        if (line.substr(0, key.size()) == key && line.substr(key.size(), 1) == ":") {
            line.remove_prefix(key.size() + 1);
            while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
                line.remove_prefix(1);
            while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
                line.remove_suffix(1);
            return line;
        }
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    return {};
}

// "[N]" or "[]" and nothing after it: the array part of a field declaration as the kernel
// writes it.
bool wellFormedArray(std::string_view part) {
    if (part.size() < 2 || part.front() != '[' || part.back() != ']') return false;
    return std::all_of(part.begin() + 1, part.end() - 1,
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// Field names the format declares ("field:TYPE NAME;" or "field:TYPE NAME[N];"). A name
// whose array part is malformed ("prev_comm[16b") is not counted: libtraceevent reads such
// a declaration as another field, so a print fmt naming it would reach a null field.
std::vector<std::string_view> declaredFields(std::string_view text) {
    std::vector<std::string_view> names;
    for (size_t at = text.find("field:"); at != std::string_view::npos;
         at = text.find("field:", at + 6)) {
        size_t end = text.find(';', at);
        if (end == std::string_view::npos) break;
        std::string_view decl = text.substr(at + 6, end - at - 6);
        // The name is the last word ("__data_loc char[] name" has its brackets before it).
        size_t start = decl.find_last_of(" *\t");
        std::string_view name = start == std::string_view::npos ? decl : decl.substr(start + 1);
        if (size_t bracket = name.find('['); bracket != std::string_view::npos) {
            if (!wellFormedArray(name.substr(bracket))) continue;
            name = name.substr(0, bracket);
        }
        names.push_back(name);
    }
    return names;
}

// libtraceevent 1.7 dereferences a null field when a print fmt names a field the format
// does not declare (REC->name): a damaged format must not reach its parser as it is.
bool printNamesUndeclaredField(std::string_view text) {
    size_t fmt = text.find("print fmt:");
    if (fmt == std::string_view::npos) return false;
    const auto fields = declaredFields(text.substr(0, fmt));
    for (size_t at = text.find("REC->", fmt); at != std::string_view::npos;
         at = text.find("REC->", at + 5)) {
        size_t end = at + 5;
        while (end < text.size() &&
               (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
            ++end;
        }
        std::string_view name = text.substr(at + 5, end - at - 5);
        if (std::find(fields.begin(), fields.end(), name) == fields.end()) return true;
    }
    return false;
}

enum class Fast : uint8_t { None, Program, Handler };
enum class Parse : uint8_t { Pending, Parsed, Failed };

}  // namespace

struct EventFormats::TypeExtra {
    std::atomic<Parse> state{Parse::Pending};
    uint32_t extent = 0;                  // bytes the fixed fields span
    std::vector<FieldRef> dynamicFields;  // validated before libtraceevent reads them
    bool pluginHandler = false;           // libtraceevent prints it through a plugin
    Fast fast = Fast::None;
    PrintProgram program;  // Fast::Program
    HandlerCopy handler;   // Fast::Handler
};

std::mutex& EventFormats::pluginLock() {
    static std::mutex mutex;
    return mutex;
}

void EventFormats::SeqDeleter::operator()(trace_seq* seq) const {
    trace_seq_destroy(seq);
    delete seq;
}

EventFormats::EventFormats() : m_indent(std::make_unique<FunctionIndent>()) {
    m_seq.reset(new trace_seq);
    trace_seq_init(m_seq.get());
}

EventFormats::~EventFormats() {
    if (!m_tep) return;
    std::lock_guard<std::mutex> lock(pluginLock());
    if (m_plugins) tep_unload_plugins(m_plugins, m_tep);
    tep_free(m_tep);
}

Result<std::unique_ptr<EventFormats>> EventFormats::create(const TraceMeta& meta, Use use) {
    std::unique_ptr<EventFormats> formats(new EventFormats());
    if (Status s = formats->load(meta, use == Use::kPrinting); !s) return s;
    return formats;
}

// Follows trace-cmd's tracecmd_alloc_fd + tracecmd_read_headers (trace-input.c):
// plugins first (their handlers attach when a format is parsed), then byte order, long
// size, header_page, the formats, kallsyms, printk formats, comms.
Status EventFormats::load(const TraceMeta& meta, bool printing) {
    if (meta.longSize != 4 && meta.longSize != 8) {
        return Status::error("event formats: unsupported long size " +
                             std::to_string(meta.longSize));
    }
    m_bigEndian = meta.bigEndian;
    m_printing = printing;
    m_meta = &meta;
    {
        std::lock_guard<std::mutex> lock(pluginLock());
        m_tep = tep_alloc();
        if (!m_tep) return Status::error("libtraceevent: tep_alloc failed");
        if (printing) m_plugins = tep_load_plugins(m_tep);
    }
    tep_set_file_bigendian(m_tep, meta.bigEndian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
    tep_set_local_bigendian(m_tep, kHostBigEndian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
    tep_set_long_size(m_tep, static_cast<int>(meta.longSize));
    tep_set_page_size(m_tep, static_cast<int>(meta.pageSize));
    std::string headerPage = meta.headerPage;  // libtraceevent wants a mutable buffer
    tep_parse_header_page(m_tep, headerPage.data(), headerPage.size(),
                          static_cast<int>(meta.longSize));
    indexFormats(meta);
    findCommonFields();
    if (printing) loadPrintingTables(meta);
    return {};
}

void EventFormats::loadPrintingTables(const TraceMeta& meta) {
    if (!meta.kallsyms.empty()) tep_parse_kallsyms(m_tep, meta.kallsyms.c_str());
    if (!meta.printkFormats.empty()) tep_parse_printk_formats(m_tep, meta.printkFormats.c_str());
    if (!meta.savedCmdlines.empty()) tep_parse_saved_cmdlines(m_tep, meta.savedCmdlines.c_str());
    // Build libtraceevent's sorted symbol and comm tables now, not on the first event.
    tep_find_function(m_tep, 0);
    tep_data_comm_from_pid(m_tep, 1);
}

// Names and ids from each format's "name:" and "ID:" lines (event_read_name and
// event_read_id in event-parse.c read the same); the rest waits until the type is used.
// A format without both is one libtraceevent could not add either.
void EventFormats::indexFormats(const TraceMeta& meta) {
    struct Entry {
        int id;
        size_t format;
    };
    std::vector<Entry> entries;
    for (size_t i = 0; i < meta.formats.size(); ++i) {
        std::string_view text = meta.formats[i].text;
        std::string_view name = formatLine(text, "name");
        std::string_view id = formatLine(text, "ID");
        int value = -1;
        auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
        if (name.empty() || ec != std::errc() || end != id.data() + id.size() || value < 0 ||
            value > 0xffff) {
            continue;
        }
        entries.push_back({value, i});
    }
    // One type per id; the first format of an id wins, as tep_find_event finds it.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.id < b.id; });
    entries.erase(std::unique(entries.begin(), entries.end(),
                              [](const Entry& a, const Entry& b) { return a.id == b.id; }),
                  entries.end());
    m_typeById.assign(entries.empty() ? 0 : static_cast<size_t>(entries.back().id) + 1, -1);
    m_extra = std::make_unique<TypeExtra[]>(entries.size());
    for (const Entry& e : entries) {
        const EventFormat& f = meta.formats[e.format];
        m_typeById[static_cast<size_t>(e.id)] = static_cast<int32_t>(m_types.size());
        m_types.push_back({e.id, f.system, std::string(formatLine(f.text, "name")), nullptr});
        m_formatText.push_back(f.text);
        m_formatSystem.push_back(f.system);
    }
}

// Every event shares the common fields: read their offsets from the first format that
// parses (libtraceevent also finds its own common-field offsets through its first event).
void EventFormats::findCommonFields() {
    for (size_t i = 0; i < m_types.size(); ++i) {
        if (!parsed(i)) continue;
        tep_event* e = m_types[i].tep;
        m_commonType = toRef(tep_find_common_field(e, "common_type"));
        m_commonFlags = toRef(tep_find_common_field(e, "common_flags"));
        m_commonPreempt = toRef(tep_find_common_field(e, "common_preempt_count"));
        m_commonPid = toRef(tep_find_common_field(e, "common_pid"));
        break;
    }
    if (!m_commonType.valid() || !m_commonPid.valid()) {  // the layout every kernel uses
        m_commonType = {0, 2};
        m_commonFlags = {2, 1};
        m_commonPreempt = {3, 1};
        m_commonPid = {4, 4, true};
    }
    m_commonExtent = std::max({fieldEnd(m_commonType), fieldEnd(m_commonFlags),
                               fieldEnd(m_commonPreempt), fieldEnd(m_commonPid)});
}

bool EventFormats::parsed(size_t index) const {
    Parse state = m_extra[index].state.load(std::memory_order_acquire);
    if (state == Parse::Pending) {
        std::lock_guard<std::mutex> lock(m_parseMutex);
        parseLocked(index);
        state = m_extra[index].state.load(std::memory_order_relaxed);
    }
    return state == Parse::Parsed;
}

// A format libtraceevent cannot fully parse still describes its event: trace-cmd prints
// "[FAILED TO PARSE]" for it, and so do we (libtraceevent keeps such events, flagged).
void EventFormats::parseLocked(size_t index) const {
    TypeExtra& x = m_extra[index];
    if (x.state.load(std::memory_order_relaxed) != Parse::Pending) return;
    EventType& type = m_types[index];
    std::string& text = m_formatText[index];
    // A print fmt that names an undeclared field is damage; the fields still describe
    // the event, so it is parsed without its print fmt and flagged as failed, which
    // prints "[FAILED TO PARSE]" and the raw fields, as for any format that does not parse.
    const bool badPrint = printNamesUndeclaredField(text);
    if (badPrint) text.resize(text.find("print fmt:"));
    {
        // libtraceevent's format parser keeps state in statics (event-parse.c:
        // is_flag_field, is_symbolic_field, arg_eval's buffer): one parse at a time in the
        // process, whichever instance parses.
        std::lock_guard<std::mutex> lock(pluginLock());
        tep_parse_event(m_tep, text.data(), text.size(), m_formatSystem[index].c_str());
    }
    std::string().swap(text);
    tep_event* e = tep_find_event(m_tep, type.id);
    if (!e) {
        x.state.store(Parse::Failed, std::memory_order_release);
        return;
    }
    if (badPrint) e->flags |= TEP_EVENT_FL_FAILED;
    type.tep = e;
    for (tep_format_field* f = e->format.common_fields; f; f = f->next) {
        x.extent = std::max(x.extent, fieldEnd(toRef(f)));
    }
    for (tep_format_field* f = e->format.fields; f; f = f->next) {
        FieldRef r = toRef(f);
        x.extent = std::max(x.extent, fieldEnd(r));
        if (r.dynamic) x.dynamicFields.push_back(r);
    }
    x.extent = std::min(x.extent, kMaxExtent);
    x.pluginHandler = e->handler != nullptr;
    // How formatInfo renders it: a copy of the plugin handler libtraceevent would call, a
    // compiled print fmt, or libtraceevent itself.
    const bool printable = !(e->flags & (TEP_EVENT_FL_FAILED | TEP_EVENT_FL_ISBPRINT |
                                         TEP_EVENT_FL_NOHANDLE | TEP_EVENT_FL_PRINTRAW));
    if (printable && e->handler) {
        x.handler = handlerCopyFor(type);
        if (x.handler.kind != HandlerKind::None) x.fast = Fast::Handler;
    } else if (printable && x.program.compile(e)) {
        x.fast = Fast::Program;
    }
    x.state.store(Parse::Parsed, std::memory_order_release);
}

void EventFormats::parseAll() const {
    for (size_t i = 0; i < m_types.size(); ++i) (void)parsed(i);
}

EventFormats& EventFormats::filterTwin() const {
    if (m_filterTwin) return *m_filterTwin;
    std::unique_ptr<EventFormats> twin(new EventFormats());
    // The same meta loaded this instance, so loading it again cannot fail differently.
    (void)twin->load(*m_meta, false);
    if (!m_meta->savedCmdlines.empty())
        tep_parse_saved_cmdlines(twin->m_tep, m_meta->savedCmdlines.c_str());
    tep_data_comm_from_pid(twin->m_tep, 1);  // sorts the comm list now, not while matching
    twin->parseAll();
    m_filterTwin = std::move(twin);
    return *m_filterTwin;
}

const EventType* EventFormats::type(int id) const {
    if (id < 0 || static_cast<size_t>(id) >= m_typeById.size()) return nullptr;
    int32_t index = m_typeById[static_cast<size_t>(id)];
    if (index < 0 || !parsed(static_cast<size_t>(index))) return nullptr;
    return &m_types[static_cast<size_t>(index)];
}

const EventType* EventFormats::typeOf(const RawEvent& event) const {
    int index = typeIndex(event);
    return index < 0 ? nullptr : &m_types[static_cast<size_t>(index)];
}

bool EventFormats::hasFastPath(int typeId) const {
    const EventType* t = type(typeId);
    return t && m_extra[static_cast<size_t>(t - m_types.data())].fast != Fast::None;
}

const EventType* EventFormats::find(std::string_view system, std::string_view name) const {
    for (size_t i = 0; i < m_types.size(); ++i) {
        const EventType& t = m_types[i];
        if (t.name == name && (system.empty() || t.system == system)) {
            return parsed(i) ? &t : nullptr;
        }
    }
    return nullptr;
}

// The index of the event's type, parsed; -1 when unknown or unparsable.
int EventFormats::typeIndex(const RawEvent& event) const {
    if (!event.data || event.size < m_commonExtent) return -1;
    uint64_t id = loadUnsigned(event.data + m_commonType.offset, m_commonType.size, m_bigEndian);
    if (id >= m_typeById.size()) return -1;
    int32_t index = m_typeById[id];
    return index >= 0 && parsed(static_cast<size_t>(index)) ? index : -1;
}

FieldRef EventFormats::field(int typeId, std::string_view name) const {
    const EventType* t = type(typeId);
    if (!t) return {};
    std::string key(name);
    return toRef(tep_find_any_field(t->tep, key.c_str()));
}

std::string_view EventFormats::readString(const FieldRef& f, const RawEvent& event) const {
    if (!f.valid() || !event.data) return {};
    const char* base = reinterpret_cast<const char*>(event.data);
    if (f.dynamic) {
        uint32_t off = 0, len = 0;
        if (!dynamicSpan(f, event, m_bigEndian, off, len)) return {};
        return cutAtNul(base + off, len);
    }
    if (!f.array || fieldEnd(f) > event.size) return {};
    return cutAtNul(base + f.offset, f.arrayBytes);
}

const char* EventFormats::comm(int pid) const {
    return tep_data_comm_from_pid(m_tep, pid);
}

void EventFormats::registerComm(int pid, const char* comm) {
    tep_register_comm(m_tep, comm, pid);
}

const char* EventFormats::symbol(uint64_t address) const {
    return tep_find_function(m_tep, address);
}

void EventFormats::appendSymbol(uint64_t address, std::string& out) const {
    if (const char* name = symbol(address)) {
        out += name;
        return;
    }
    char buf[24];
    out.append(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%llx",
                                                      static_cast<unsigned long long>(address))));
}

// libtraceevent and its plugins read fields without always checking the payload size
// (plugin_sched_switch.c reads the comm arrays directly), and %s on a full char array
// runs past it. So libtraceevent only ever sees a copy padded with zeros up to the
// format's extent, with out-of-range __data_loc words cleared.
const uint8_t* EventFormats::safePayload(const RawEvent& event, const TypeExtra& extra) const {
    size_t size = std::max<size_t>(event.size, extra.extent) + kPayloadPad;
    if (m_scratch.size() < size) m_scratch.resize(std::max<size_t>(size, 4096));
    std::memcpy(m_scratch.data(), event.data, event.size);
    std::memset(m_scratch.data() + event.size, 0, size - event.size);
    for (const FieldRef& f : extra.dynamicFields) {
        uint32_t off = 0, len = 0;
        if (fieldEnd(f) <= event.size && !dynamicSpan(f, event, m_bigEndian, off, len)) {
            std::memset(m_scratch.data() + f.offset, 0, f.size);
        }
    }
    return m_scratch.data();
}

const uint8_t* EventFormats::paddedPayload(const RawEvent& event) const {
    int index = typeIndex(event);
    return index < 0 ? nullptr : safePayload(event, m_extra[static_cast<size_t>(index)]);
}

void EventFormats::formatInfoReference(const RawEvent& event, int cpu, std::string& out) const {
    int index = typeIndex(event);
    if (index < 0) {
        // event-parse.c tep_print_event: no format for this id
        if (event.data && event.size >= m_commonExtent) out += "[UNKNOWN EVENT]";
        return;
    }
    const TypeExtra& x = m_extra[static_cast<size_t>(index)];
    tep_record record{};
    record.ts = event.ts;
    record.size = static_cast<int>(event.size);
    record.data = const_cast<uint8_t*>(safePayload(event, x));
    record.cpu = cpu;
    trace_seq* seq = m_seq.get();
    trace_seq_reset(seq);
    if (x.pluginHandler) {
        std::lock_guard<std::mutex> lock(pluginLock());
        tep_print_event(m_tep, seq, &record, "%s", TEP_PRINT_INFO);
    } else {
        tep_print_event(m_tep, seq, &record, "%s", TEP_PRINT_INFO);
    }
    out.append(seq->buffer, seq->len);
}

void EventFormats::formatInfo(const RawEvent& event, int cpu, std::string& out) const {
    int index = typeIndex(event);
    if (index >= 0 && fastInfo(event, m_extra[static_cast<size_t>(index)], cpu, out)) return;
    formatInfoReference(event, cpu, out);
}

bool EventFormats::fastInfo(const RawEvent& event, const TypeExtra& x, int cpu,
                            std::string& out) const {
    switch (x.fast) {
        case Fast::None:
            return false;
        case Fast::Handler:
            runHandlerCopy(x.handler, *this, *m_indent, event, cpu, out);
            return true;
        case Fast::Program:
            x.program.run(event, m_bigEndian, out);
            return true;
    }
    return false;
}

}  // namespace kestrel
