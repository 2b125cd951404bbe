#pragma once
// Event formats through libtraceevent: parses header_page/header_event, every format,
// kallsyms, printk formats and saved_cmdlines of a TraceMeta into a tep_handle (with
// libtraceevent's plugins), and gives the model fast typed field access: field offsets
// are resolved once per event type, reading a field is then a bounds-checked load.
//
// Not thread-safe (libtraceevent plugins keep state): use one instance per thread.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/trace_meta.h"
#include "ring/page_decoder.h"

struct tep_handle;
struct tep_event;
struct tep_plugin_list;
struct trace_seq;

namespace kestrel {

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
    tep_event* tep = nullptr;
};

// Common fields every payload starts with (FORMATS.md), offsets from the formats.
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
    static Result<std::unique_ptr<EventFormats>> create(const TraceMeta& meta,
                                                        Use use = Use::kPrinting);

    const EventType* type(int id) const;  // nullptr for an id no format describes
    const std::vector<EventType>& types() const { return m_types; }
    const EventType* find(std::string_view system, std::string_view name) const;

    // Returns false when the payload is too short to hold the common fields.
    bool common(const RawEvent& event, CommonFields& out) const;
    FieldRef field(int typeId, std::string_view name) const;  // invalid() when absent
    // Loads a scalar field (sign-extended when signed); 0 if it lies outside the payload.
    int64_t readInt(const FieldRef& f, const RawEvent& event) const;
    uint64_t readUnsigned(const FieldRef& f, const RawEvent& event) const;
    // A char[] or __data_loc string, cut at the first NUL; empty when out of bounds.
    std::string_view readString(const FieldRef& f, const RawEvent& event) const;

    // comm of a pid as trace-cmd shows it: saved_cmdlines, "<idle>" for 0, "<...>".
    const char* comm(int pid) const;
    void registerComm(int pid, const char* comm);
    // Kernel symbol name for an address, or nullptr.
    const char* symbol(uint64_t address) const;

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

    tep_handle* tep() const { return m_tep; }
    bool bigEndian() const { return m_bigEndian; }

private:
    struct SeqDeleter {
        void operator()(trace_seq* seq) const;
    };
    struct TypeExtra;      // per type: payload extent, dynamic fields, fast-path program
    class FunctionIndent;  // plugin_function.c's per-CPU indent state, per instance

    EventFormats();
    Status load(const TraceMeta& meta, bool printing);
    void loadPrintingTables(const TraceMeta& meta);
    void buildTypes();
    void prepareFastPath(const EventType& type, TypeExtra& extra) const;
    int typeIndex(const RawEvent& event) const;
    const uint8_t* safePayload(const RawEvent& event, const TypeExtra& extra) const;
    bool fastInfo(const RawEvent& event, const TypeExtra& extra, int cpu, std::string& out) const;
    void functionInfo(const RawEvent& event, const TypeExtra& extra, int cpu,
                      std::string& out) const;
    void schedSwitchInfo(const RawEvent& event, const TypeExtra& extra, std::string& out) const;
    void schedWakeupInfo(const RawEvent& event, const TypeExtra& extra, std::string& out) const;
    void appendComm(const FieldRef& f, const RawEvent& event, int pid, std::string& out) const;

    tep_handle* m_tep = nullptr;
    tep_plugin_list* m_plugins = nullptr;
    bool m_bigEndian = false;
    std::vector<EventType> m_types;   // sorted by id
    std::vector<int32_t> m_typeById;  // id -> index into m_types, -1 when none
    std::vector<TypeExtra> m_extra;   // parallel to m_types
    FieldRef m_commonType, m_commonFlags, m_commonPreempt, m_commonPid;
    uint32_t m_commonExtent = 8;
    // Per-call scratch, reused (the class is per thread): no heap work per event.
    std::unique_ptr<trace_seq, SeqDeleter> m_seq;
    mutable std::vector<uint8_t> m_scratch;
    mutable std::string m_commScratch;
    std::unique_ptr<FunctionIndent> m_indent;
};

}  // namespace kestrel
