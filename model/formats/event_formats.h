#pragma once
// Event formats through libtraceevent: header_page/header_event, the event formats,
// kallsyms, printk formats and saved_cmdlines of a TraceMeta in a tep_handle (with
// libtraceevent's plugins), and fast typed field access: field offsets are resolved once
// per event type, reading a field is then a bounds-checked load.
//
// Formats are parsed when a type is first asked for (type(), find(), printing): trace-cmd
// stores every format the kernel has (about 2,300) while a trace uses a few dozen, and
// parsing them all was most of the cost of opening a trace. Opening reads only each
// format's name and id. Parsing on demand is locked, so several threads may read fields
// through one instance; printing is not thread-safe (the comm list and the instance's
// scratch buffers change): use one printing instance per thread (formats_pool.h).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_order.h"
#include "base/status.h"
#include "base/trace_meta.h"
#include "ring/page_decoder.h"

struct tep_handle;
struct tep_event;
struct tep_plugin_list;
struct trace_seq;

namespace kestrel {

class FunctionIndent;

// A field of one event type, resolved once.
struct FieldRef {
    uint16_t offset = 0;
    uint16_t size = 0;  // element size for arrays; 4 for __data_loc
    bool isSigned = false;
    bool dynamic = false;     // __data_loc / __rel_loc: a (len << 16 | offset) word
    bool relative = false;    // __rel_loc: offset is relative to the end of the word
    bool array = false;       // fixed char[N] / array
    uint32_t arrayBytes = 0;  // total bytes of a fixed array
    bool valid() const { return size != 0; }
};

struct EventType {
    int id = -1;
    std::string system;
    std::string name;
    tep_event* tep = nullptr;  // set once parsed; type() and find() parse on demand
};

// The common fields every payload starts with, at the offsets the formats give.
struct CommonFields {
    uint16_t type = 0;
    uint8_t flags = 0;  // TRACE_FLAG_* (irqs-off, need-resched, hardirq, softirq)
    uint8_t preemptCount = 0;
    int32_t pid = 0;
};

class EventFormats {
public:
    ~EventFormats();
    // kFields: formats only, for typed field access and event names (scans). Skips the
    // plugins, kallsyms and printk formats, which only printing needs and which cost
    // more to parse than a scan of millions of events.
    enum class Use { kPrinting, kFields };
    // `meta` must outlive the instance (filterTwin() reads it).
    static Result<std::unique_ptr<EventFormats>> create(const TraceMeta& meta,
                                                        Use use = Use::kPrinting);

    // The type of an id, parsed; nullptr for an id no format describes or one that
    // libtraceevent cannot parse at all.
    const EventType* type(int id) const;
    // The type of an event (its common_type), parsed; nullptr when unknown.
    const EventType* typeOf(const RawEvent& event) const;
    // Every type the trace has a format for, sorted by id; `tep` is null until the type
    // is parsed. Names and ids need no parsing.
    const std::vector<EventType>& types() const { return m_types; }
    const EventType* find(std::string_view system, std::string_view name) const;  // parsed
    // Parses every format: libtraceevent's filters look events up by name in the handle,
    // so an advanced filter needs them all.
    void parseAll() const;
    // What advanced filters evaluate against (event_filter.h): a fields-only instance over
    // the same formats, all parsed, whose comm list is saved_cmdlines and never changes.
    // libtraceevent resolves COMM from the handle's comm list, which printing grows as it
    // meets sched_switch events; a filter on a printing instance would match differently
    // from one on a fields-only instance, and differently before and after printing.
    // Made on first use, then kept. Not thread-safe: one per thread, like the instance.
    EventFormats& filterTwin() const;

    // Returns false when the payload is too short to hold the common fields.
    bool common(const RawEvent& event, CommonFields& out) const {
        if (!event.data || event.size < m_commonExtent) return false;
        out.type = static_cast<uint16_t>(readUnsigned(m_commonType, event));
        out.flags = static_cast<uint8_t>(readUnsigned(m_commonFlags, event));
        out.preemptCount = static_cast<uint8_t>(readUnsigned(m_commonPreempt, event));
        out.pid = static_cast<int32_t>(readInt(m_commonPid, event));
        return true;
    }
    FieldRef field(int typeId, std::string_view name) const;  // invalid() when absent
    // Loads a scalar field (sign-extended when signed); 0 if it lies outside the payload.
    // Inline: the passes read a few fields of every event.
    int64_t readInt(const FieldRef& f, const RawEvent& event) const {
        uint64_t v = readUnsigned(f, event);
        if (!f.isSigned || f.size >= 8) return static_cast<int64_t>(v);
        unsigned shift = 64 - 8u * f.size;
        return static_cast<int64_t>(v << shift) >> shift;
    }
    uint64_t readUnsigned(const FieldRef& f, const RawEvent& event) const {
        if (!f.valid() || !event.data || uint32_t{f.offset} + f.size > event.size) return 0;
        return loadUnsigned(event.data + f.offset, f.size, m_bigEndian);
    }
    // A char[] or __data_loc string, cut at the first NUL; empty when out of bounds.
    std::string_view readString(const FieldRef& f, const RawEvent& event) const;

    // comm of a pid as trace-cmd shows it: saved_cmdlines, "<idle>" for 0, "<...>".
    const char* comm(int pid) const;
    void registerComm(int pid, const char* comm);
    // Kernel symbol name for an address, or nullptr.
    const char* symbol(uint64_t address) const;
    // Appends the symbol's name, or the address in hex (as trace-cmd prints one it cannot
    // name).
    void appendSymbol(uint64_t address, std::string& out) const;

    // Appends libtraceevent's rendering of the event's info (TEP_PRINT_INFO), exactly as
    // `trace-cmd report` prints it (plugins loaded). Stateful like trace-cmd: sched_switch
    // and sched_wakeup register comms, the function plugin tracks call depth per CPU, so
    // call it in trace order to reproduce trace-cmd byte for byte. Common events take a
    // fast path that produces the same bytes without libtraceevent's per-call overhead.
    void formatInfo(const RawEvent& event, int cpu, std::string& out) const;
    // The same through tep_print_event only (no fast path): the reference the fast
    // paths are tested against. Registers comms like formatInfo; function events use the
    // plugin's own (process-wide) indent state instead of this instance's.
    void formatInfoReference(const RawEvent& event, int cpu, std::string& out) const;
    // True when formatInfo renders events of this type without libtraceevent.
    bool hasFastPath(int typeId) const;

    // A copy of the payload padded with zeros to the format's extent, with __data_loc
    // words that point outside the payload cleared: what libtraceevent may read (its
    // field printers and plugins do not always check the size). Valid until the next
    // call on this instance. nullptr for an unknown type.
    const uint8_t* paddedPayload(const RawEvent& event) const;

    tep_handle* tep() const { return m_tep; }
    // The metadata the instance was made from.
    const TraceMeta& meta() const { return *m_meta; }
    bool bigEndian() const { return m_bigEndian; }

    // libtraceevent's plugins are process-wide: their option lists, and the per-CPU call
    // stack that plugin_function.c's handler rewrites on every event. This lock is held
    // while plugins load or unload and while any instance prints through a plugin's
    // handler; events without one print on every thread at once.
    static std::mutex& pluginLock();

private:
    struct SeqDeleter {
        void operator()(trace_seq* seq) const;
    };
    struct TypeExtra;  // per type: parse state, payload extent, dynamic fields, fast path

    EventFormats();
    Status load(const TraceMeta& meta, bool printing);
    void loadPrintingTables(const TraceMeta& meta);
    void indexFormats(const TraceMeta& meta);
    void findCommonFields();
    // Parses type m_types[index] unless done; true when it has a libtraceevent event.
    bool parsed(size_t index) const;
    void parseLocked(size_t index) const;
    int typeIndex(const RawEvent& event) const;
    const uint8_t* safePayload(const RawEvent& event, const TypeExtra& extra) const;
    bool fastInfo(const RawEvent& event, const TypeExtra& extra, int cpu, std::string& out) const;

    tep_handle* m_tep = nullptr;
    tep_plugin_list* m_plugins = nullptr;
    const TraceMeta* m_meta = nullptr;
    mutable std::unique_ptr<EventFormats> m_filterTwin;
    bool m_printing = false;
    bool m_bigEndian = false;
    // Sorted by id; `tep` filled in by parseLocked. Mutable: parsing on demand is not a
    // change the caller sees.
    mutable std::vector<EventType> m_types;
    std::vector<int32_t> m_typeById;                // id -> index into m_types, -1 when none
    mutable std::vector<std::string> m_formatText;  // per type: the format, until parsed
    std::vector<std::string> m_formatSystem;
    std::unique_ptr<TypeExtra[]> m_extra;  // parallel to m_types
    mutable std::mutex m_parseMutex;
    FieldRef m_commonType, m_commonFlags, m_commonPreempt, m_commonPid;
    uint32_t m_commonExtent = 8;
    // Per-call scratch, reused (printing is per thread): no heap work per event.
    std::unique_ptr<trace_seq, SeqDeleter> m_seq;
    mutable std::vector<uint8_t> m_scratch;
    std::unique_ptr<FunctionIndent> m_indent;
};

}  // namespace kestrel
