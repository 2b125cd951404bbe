// Design: libtraceevent (with its plugins, loaded as trace-cmd loads them) is the
// reference renderer. tep_print_event costs about half a microsecond per event (it
// strdup()s its format, and allocates a trace_seq per %s argument), so the hottest
// events take fast paths that produce the same bytes:
//   - a "print program" compiled once per event type from libtraceevent's parsed print
//     fmt, for the subset of arguments whose evaluation is simple (fields, casts, array
//     elements, __get_str, __print_symbolic with numbers, "?:" between strings) and
//     conversions %d/%u/%x/%o (any length), %s and %p; anything else stays on
//     libtraceevent;
//   - copies of the plugin handlers of sched_switch, sched_wakeup(_new) and function.
// Every fixture event is checked against tep_print_event in the tests.
#include "formats/event_formats.h"

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "base/byte_order.h"

namespace kestrel {
namespace {

// Formats whose fields lie further out than this are not trusted (a format file is a
// few hundred bytes of fields; a sub-buffer is at most a few MiB).
constexpr uint32_t kMaxExtent = 1u << 20;
// Bytes of zeros kept after a payload copy, so %s on an unterminated char array stops.
constexpr uint32_t kPayloadPad = 16;

// libtraceevent plugins are process-wide shared objects with global option lists and
// state (plugin_function.c's fstack): loading and unloading must not race. Format
// parsing also keeps state in statics and takes the same lock.
std::mutex& pluginMutex() {
    static std::mutex mutex;
    return mutex;
}

FieldRef toRef(const tep_format_field* f) {
    FieldRef r;
    if (!f || f->offset < 0 || f->size <= 0 || f->offset > 0xffff || f->size > 0xffff) return r;
    r.offset = static_cast<uint16_t>(f->offset);
    r.isSigned = (f->flags & TEP_FIELD_IS_SIGNED) != 0;
    r.dynamic = (f->flags & TEP_FIELD_IS_DYNAMIC) != 0;
    r.relative = (f->flags & TEP_FIELD_IS_RELATIVE) != 0;
    r.array = !r.dynamic && (f->flags & TEP_FIELD_IS_ARRAY) != 0;
    if (r.array) {
        r.arrayBytes = static_cast<uint32_t>(f->size);
        r.size = static_cast<uint16_t>(f->elementsize ? f->elementsize : 1);
    } else {
        r.size = static_cast<uint16_t>(f->size);
    }
    return r;
}

uint32_t fieldEnd(const FieldRef& f) {
    return uint32_t{f.offset} + (f.array ? f.arrayBytes : f.size);
}

std::string_view cutAtNul(const char* p, size_t n) {
    const void* nul = std::memchr(p, 0, n);
    return {p, nul ? static_cast<size_t>(static_cast<const char*>(nul) - p) : n};
}

// Where a __data_loc / __rel_loc field's bytes are, or false when outside the payload.
bool dynamicSpan(const FieldRef& f, const RawEvent& e, bool big, uint32_t& off, uint32_t& len) {
    if (!f.valid() || fieldEnd(f) > e.size) return false;
    uint32_t word = f.size == 2 ? load16(e.data + f.offset, big) : load32(e.data + f.offset, big);
    off = word & 0xffff;
    // event-parse.c dynamic_offset: a 2-byte loc has no length; the data runs to the end.
    len = f.size == 2 ? (off <= e.size ? e.size - off : 0) : word >> 16;
    if (f.relative) off += fieldEnd(f);
    return off <= e.size && len <= e.size - off;
}

// ---- text helpers (printf without the format parsing) ----------------------------------

// Constant divisors per base: a division by a runtime base was the dump's hottest spot.
void appendDigits(uint64_t v, unsigned base, bool upper, std::string& digits) {
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    char* end = buf + sizeof buf;
    char* p = end;
    if (base == 16) {
        do {
            *--p = set[v & 15];
            v >>= 4;
        } while (v);
    } else if (base == 10) {
        do {
            *--p = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
    } else {
        do {
            *--p = set[v % base];
            v /= base;
        } while (v);
    }
    digits.append(p, static_cast<size_t>(end - p));
}

void appendDecimal(int64_t v, std::string& out) {
    if (v < 0) out += '-';
    appendDigits(v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v), 10, false, out);
}

// ---- compiled print fmt ---------------------------------------------------------------

// event-parse.c eval_type_str: what a typecast does to a value (its sign handling never
// triggers, so every narrowing cast is a mask).
enum class Cast : uint8_t { None, Mask8, Mask16, Mask32 };

Cast castOf(const char* type, bool pointer) {
    std::string t = type ? type : "";
    if (t.size() < 2) return Cast::None;
    if (pointer) {
        if (t.back() != '*') return Cast::None;
        return castOf(t.substr(0, t.size() - 2).c_str(), false);
    }
    if (t.back() == '*' || t.compare(0, 6, "struct") == 0) return Cast::None;
    if (t == "u8" || t == "s8") return Cast::Mask8;
    if (t == "u16" || t == "s16") return Cast::Mask16;
    if (t == "u32" || t == "s32") return Cast::Mask32;
    if (t.compare(0, 9, "unsigned ") == 0) t = t.substr(9);
    if (t == "char") return Cast::Mask8;
    if (t == "short") return Cast::Mask16;
    if (t == "int") return Cast::Mask32;
    return Cast::None;
}

// What eval_num_arg computes for the supported argument shapes: a constant, or a field
// (or array element) read as an unsigned number, 0 when it lies outside the payload.
struct NumSource {
    bool constant = false;
    uint64_t value = 0;
    uint32_t offset = 0;
    uint32_t size = 0;
    Cast cast = Cast::None;
};

uint64_t evalNum(const NumSource& n, const RawEvent& e, bool big) {
    uint64_t v = n.value;
    if (!n.constant)
        v = n.offset + n.size <= e.size ? loadUnsigned(e.data + n.offset, n.size, big) : 0;
    switch (n.cast) {
        case Cast::Mask8:
            return v & 0xff;
        case Cast::Mask16:
            return v & 0xffff;
        case Cast::Mask32:
            return v & 0xffffffff;
        case Cast::None:
            break;
    }
    return v;
}

enum class OpKind : uint8_t { Text, Number, Pointer, CharArray, DynString, Symbol, Choice };

struct InfoOp {
    OpKind kind = OpKind::Text;
    std::string text;  // Text; Number: printf spec; Choice: text when the value is true
    std::string alt;   // Choice: text when false
    NumSource num;
    FieldRef field;  // CharArray (offset, arrayBytes), DynString
    std::vector<std::pair<int64_t, std::string>> symbols;
    char conv = 'd';
    int ls = 0;  // length modifier: -2 hh, -1 h, 0, 1 l, 2 ll
    unsigned width = 0;
    bool zero = false;
    bool left = false;
    bool simple = true;  // flags/width only: formatted here, else with snprintf
};

// print_arg_number: the value cast by the length modifier, printed with the spec.
void appendNumber(const InfoOp& op, uint64_t val, std::string& out) {
    bool isSigned = op.conv == 'd' || op.conv == 'i';
    int64_t s;
    uint64_t u;
    switch (op.ls) {
        case -2:
            s = static_cast<signed char>(val);
            u = static_cast<uint8_t>(val);
            break;
        case -1:
            s = static_cast<int16_t>(val);
            u = static_cast<uint16_t>(val);
            break;
        case 0:
            s = static_cast<int32_t>(val);
            u = static_cast<uint32_t>(val);
            break;
        default:
            s = static_cast<int64_t>(val);
            u = val;
            break;
    }
    if (!op.simple) {
        char buf[256];
        int n = op.ls >= 2   ? snprintf(buf, sizeof buf, op.text.c_str(), static_cast<long long>(s))
                : op.ls == 1 ? snprintf(buf, sizeof buf, op.text.c_str(), static_cast<long>(s))
                             : snprintf(buf, sizeof buf, op.text.c_str(), static_cast<int>(s));
        if (n > 0) out.append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
        return;
    }
    size_t start = out.size();
    bool negative = isSigned && s < 0;
    uint64_t magnitude =
        isSigned ? (negative ? 0 - static_cast<uint64_t>(s) : static_cast<uint64_t>(s)) : u;
    unsigned base = op.conv == 'x' || op.conv == 'X' ? 16 : op.conv == 'o' ? 8 : 10;
    if (negative) out += '-';
    size_t digitsAt = out.size();
    appendDigits(magnitude, base, op.conv == 'X', out);
    size_t len = out.size() - start;
    if (len >= op.width) return;
    size_t pad = op.width - len;
    if (op.left) {
        out.append(pad, ' ');
    } else if (op.zero) {
        out.insert(digitsAt, pad, '0');
    } else {
        out.insert(start, pad, ' ');
    }
}

// printf "%p" of glibc.
void appendPointer(uint64_t v, std::string& out) {
    if (!v) {
        out += "(nil)";
        return;
    }
    out += "0x";
    appendDigits(v, 16, false, out);
}

class ProgramCompiler {
public:
    ProgramCompiler(tep_event* event, std::vector<InfoOp>& ops) : m_event(event), m_ops(ops) {}

    // Mirrors event-parse.c parse_args; false when anything falls outside the subset.
    bool compile() {
        const char* f = m_event->print_fmt.format;
        m_arg = m_event->print_fmt.args;
        if (!f) return false;
        while (*f) {
            if (*f == '%' && f[1] != '%') {
                if (!conversion(f)) return false;
            } else {
                literal(f);
            }
        }
        return true;
    }

private:
    // parse_arg_string: text up to the next conversion, with \n \t \r \\ and %% undone.
    void literal(const char*& f) {
        std::string text;
        for (; *f; ++f) {
            if (*f == '\\' && f[1]) {
                ++f;
                text += *f == 'n' ? '\n' : *f == 't' ? '\t' : *f == 'r' ? '\r' : *f;
            } else if (*f == '%') {
                if (f[1] != '%') break;
                text += '%';
                ++f;
            } else {
                text += *f;
            }
        }
        addText(text);
    }

    void addText(const std::string& text) {
        if (!m_ops.empty() && m_ops.back().kind == OpKind::Text) {
            m_ops.back().text += text;
            return;
        }
        InfoOp op;
        op.text = text;
        m_ops.push_back(std::move(op));
    }

    tep_print_arg* takeArg() {
        tep_print_arg* a = m_arg;
        if (a) m_arg = a->next;
        return a;
    }

    // parse_arg_format: flags, width, length, then the conversion character.
    bool conversion(const char*& f) {
        const char* start = f++;
        InfoOp op;
        for (; *f; ++f) {
            char c = *f;
            if (c == 'h') {
                --op.ls;
                continue;
            }
            if (c == 'l') {
                ++op.ls;
                continue;
            }
            if (c == 'L') {
                op.ls = 2;
                continue;
            }
            if (c == 'z' || c == 'Z') {
                op.ls = 1;
                continue;
            }
            if (c == '#' || c == '.') {
                op.simple = false;
                continue;
            }
            if (c == '-') {
                op.left = true;
                continue;
            }
            if (c >= '0' && c <= '9') {
                if (c == '0' && op.width == 0)
                    op.zero = true;
                else
                    op.width = op.width * 10 + static_cast<unsigned>(c - '0');
                if (op.width > 64) return false;
                continue;
            }
            if (c == '*') return false;  // a length argument
            ++f;
            if (c == 'p') return pointer(f, op);
            if (c == 'd' || c == 'u' || c == 'i' || c == 'x' || c == 'X' || c == 'o') {
                op.conv = c;
                op.text.assign(start, f);
                return number(op);
            }
            if (c == 's')
                return std::string_view(start, static_cast<size_t>(f - start)) == "%s" && string();
            // tep prints an unknown conversion as ">c<" and keeps the argument.
            addText(std::string(">") + c + "<");
            return true;
        }
        return false;
    }

    bool number(InfoOp& op) {
        if (op.ls < -2 || op.ls > 2) return false;
        tep_print_arg* a = takeArg();
        if (!a || !numSource(a, op.num)) return false;
        op.kind = OpKind::Number;
        m_ops.push_back(std::move(op));
        return true;
    }

    // print_arg_pointer: a plain %p; the %pS-style extensions stay with libtraceevent.
    bool pointer(const char*& f, InfoOp& op) {
        if (std::isalpha(static_cast<unsigned char>(*f))) return false;
        tep_print_arg* a = takeArg();
        if (!a || !numSource(a, op.num)) return false;
        op.kind = OpKind::Pointer;
        m_ops.push_back(std::move(op));
        return true;
    }

    // print_str_arg for the supported argument types.
    bool string() {
        tep_print_arg* a = takeArg();
        if (!a) return false;
        InfoOp op;
        switch (a->type) {
            case TEP_PRINT_ATOM:
                addText(a->atom.atom ? a->atom.atom : "");
                return true;
            case TEP_PRINT_FIELD: {
                tep_format_field* field = fieldOf(a->field.field, a->field.name);
                // A long-sized non-array field is printed as a printk pointer.
                if (!field || field->size <= 0 ||
                    (!(field->flags & TEP_FIELD_IS_ARRAY) &&
                     field->size == tep_get_long_size(m_event->tep))) {
                    return false;
                }
                op.kind = OpKind::CharArray;
                op.field.offset = static_cast<uint16_t>(field->offset);
                op.field.arrayBytes = static_cast<uint32_t>(field->size);
                break;
            }
            case TEP_PRINT_STRING: {
                tep_format_field* field = fieldOf(a->string.field, a->string.string);
                if (!field || !(field->flags & TEP_FIELD_IS_DYNAMIC)) return false;
                op.kind = OpKind::DynString;
                op.field = toRef(field);
                if (!op.field.valid()) return false;
                break;
            }
            case TEP_PRINT_SYMBOL:
                if (!symbol(a, op)) return false;
                break;
            case TEP_PRINT_OP:
                if (!choice(a, op)) return false;
                break;
            default:
                return false;
        }
        m_ops.push_back(std::move(op));
        return true;
    }

    // __print_symbolic with numeric values (eval_flag parses them with strtoull).
    bool symbol(tep_print_arg* a, InfoOp& op) {
        if (!a->symbol.field || !numSource(a->symbol.field, op.num)) return false;
        for (tep_print_flag_sym* s = a->symbol.symbols; s; s = s->next) {
            if (!s->value || !std::isdigit(static_cast<unsigned char>(s->value[0])) || !s->str)
                return false;
            op.symbols.emplace_back(static_cast<int64_t>(std::strtoull(s->value, nullptr, 0)),
                                    s->str);
        }
        op.kind = OpKind::Symbol;
        return true;
    }

    // cond ? "a" : "b"
    bool choice(tep_print_arg* a, InfoOp& op) {
        if (!a->op.op || std::strcmp(a->op.op, "?") != 0 || !a->op.left || !a->op.right)
            return false;
        tep_print_arg* branches = a->op.right;
        if (branches->type != TEP_PRINT_OP || !branches->op.left || !branches->op.right ||
            branches->op.left->type != TEP_PRINT_ATOM ||
            branches->op.right->type != TEP_PRINT_ATOM || !numSource(a->op.left, op.num)) {
            return false;
        }
        op.kind = OpKind::Choice;
        op.text = branches->op.left->atom.atom ? branches->op.left->atom.atom : "";
        op.alt = branches->op.right->atom.atom ? branches->op.right->atom.atom : "";
        return true;
    }

    tep_format_field* fieldOf(tep_format_field* resolved, const char* name) {
        if (resolved) return resolved;
        return name ? tep_find_any_field(m_event, name) : nullptr;
    }

    static bool readableSize(int size) { return size == 1 || size == 2 || size == 4 || size == 8; }

    // eval_num_arg for: a field, a typecast of a supported source, a numeric literal, and
    // REC->array[constant] (with casts on the array).
    bool numSource(tep_print_arg* a, NumSource& n) {
        switch (a->type) {
            case TEP_PRINT_FIELD: {
                tep_format_field* field = fieldOf(a->field.field, a->field.name);
                if (!field || (field->flags & TEP_FIELD_IS_ARRAY) || !readableSize(field->size))
                    return false;
                n.offset = static_cast<uint32_t>(field->offset);
                n.size = static_cast<uint32_t>(field->size);
                return true;
            }
            case TEP_PRINT_TYPE:
                if (!a->typecast.item || !numSource(a->typecast.item, n) || n.cast != Cast::None)
                    return false;
                n.cast = castOf(a->typecast.type, false);
                return true;
            case TEP_PRINT_ATOM:
                if (!a->atom.atom || !std::isdigit(static_cast<unsigned char>(a->atom.atom[0])))
                    return false;
                n.constant = true;
                n.value = std::strtoull(a->atom.atom, nullptr, 0);
                return true;
            case TEP_PRINT_OP:
                return arrayElement(a, n);
            default:
                return false;
        }
    }

    bool arrayElement(tep_print_arg* a, NumSource& n) {
        if (!a->op.op || std::strcmp(a->op.op, "[") != 0 || !a->op.left || !a->op.right)
            return false;
        NumSource index;
        if (!numSource(a->op.right, index) || !index.constant) return false;
        tep_print_arg* left = a->op.left;
        tep_print_arg* cast = nullptr;
        while (left && left->type == TEP_PRINT_TYPE) {
            if (!cast) cast = left;
            left = left->typecast.item;
        }
        if (!left || left->type != TEP_PRINT_FIELD) return false;
        tep_format_field* field = fieldOf(left->field.field, left->field.name);
        if (!field || !readableSize(static_cast<int>(field->elementsize)) || index.value > 0xffff)
            return false;
        n.offset = static_cast<uint32_t>(field->offset) +
                   static_cast<uint32_t>(index.value) * field->elementsize;
        n.size = field->elementsize;
        n.cast = cast ? castOf(cast->typecast.type, true) : Cast::None;
        return true;
    }

    tep_event* m_event;
    std::vector<InfoOp>& m_ops;
    tep_print_arg* m_arg = nullptr;
};

enum class Fast : uint8_t { None, Program, SchedSwitch, SchedWakeup, Function, FuncRepeats };

}  // namespace

struct EventFormats::TypeExtra {
    uint32_t extent = 0;                  // bytes the fixed fields span
    std::vector<FieldRef> dynamicFields;  // validated before libtraceevent reads them
    Fast fast = Fast::None;
    std::vector<InfoOp> program;  // Fast::Program
    // Fast::SchedSwitch: prev_comm, prev_pid, prev_prio, prev_state, next_comm, next_pid,
    // next_prio. Fast::SchedWakeup: comm, pid, prio, success, target_cpu.
    // Fast::Function/FuncRepeats: ip, parent_ip, count, top_delta_ts, bottom_delta_ts.
    FieldRef f[7];
};

// plugin_function.c (libtraceevent 1.7) keeps, per CPU, the chain of functions seen as
// parents and indents a function event by the depth of its parent in that chain. The
// plugin keeps it in a process-wide static; this copy is per EventFormats, so instances
// in different threads do not race. Entries point into libtraceevent's symbol table
// (stable while the tep lives), so nothing is allocated per event.
class EventFormats::FunctionIndent {
public:
    int index(const char* parent, const char* child, int cpu) {
        if (cpu < 0) return 0;
        if (static_cast<size_t>(cpu) >= m_cpus.size()) m_cpus.resize(static_cast<size_t>(cpu) + 1);
        std::vector<const char*>& stack = m_cpus[static_cast<size_t>(cpu)];
        for (size_t i = 0; i < stack.size() && stack[i]; ++i) {
            if (std::strcmp(parent, stack[i]) == 0) {
                add(stack, child, i + 1);
                return static_cast<int>(i);
            }
        }
        add(stack, parent, 0);
        add(stack, child, 1);
        return 0;
    }

private:
    // add_child(): entries past `pos` stay as they were, exactly like the plugin.
    static void add(std::vector<const char*>& stack, const char* name, size_t pos) {
        if (!name) return;
        if (pos >= stack.size()) stack.resize(stack.size() + 10, nullptr);
        stack[pos] = name;
    }
    std::vector<std::vector<const char*>> m_cpus;
};

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
    std::lock_guard<std::mutex> lock(pluginMutex());
    if (m_plugins) tep_unload_plugins(m_plugins, m_tep);
    tep_free(m_tep);
}

Result<std::unique_ptr<EventFormats>> EventFormats::create(const TraceMeta& meta, Use use) {
    std::unique_ptr<EventFormats> formats(new EventFormats());
    if (Status s = formats->load(meta, use == Use::kPrinting); !s) return s;
    return formats;
}

// Follows trace-cmd's tracecmd_alloc_fd + tracecmd_read_headers (trace-input.c):
// plugins first (their handlers attach when the formats are parsed), then byte order,
// long size, header_page, ftrace and event formats, kallsyms, printk formats, comms.
Status EventFormats::load(const TraceMeta& meta, bool printing) {
    if (meta.longSize != 4 && meta.longSize != 8) {
        return Status::error("event formats: unsupported long size " +
                             std::to_string(meta.longSize));
    }
    m_bigEndian = meta.bigEndian;
    {
        std::lock_guard<std::mutex> lock(pluginMutex());
        m_tep = tep_alloc();
        if (!m_tep) return Status::error("libtraceevent: tep_alloc failed");
        if (printing) m_plugins = tep_load_plugins(m_tep);
    }
    tep_set_file_bigendian(m_tep, meta.bigEndian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
    tep_set_local_bigendian(
        m_tep, std::endian::native == std::endian::big ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
    tep_set_long_size(m_tep, static_cast<int>(meta.longSize));
    tep_set_page_size(m_tep, static_cast<int>(meta.pageSize));
    std::string headerPage = meta.headerPage;  // libtraceevent wants a mutable buffer
    tep_parse_header_page(m_tep, headerPage.data(), headerPage.size(),
                          static_cast<int>(meta.longSize));
    // A format libtraceevent cannot parse still describes its event: trace-cmd counts it
    // as a parsing failure and prints "[FAILED TO PARSE]" for it, and so do we.
    {
        // The format parser keeps state in statics (event-parse.c: is_flag_field,
        // is_symbolic_field, arg_eval()'s buffer for a __print_flags/__print_symbolic
        // value), so instances created on several threads at once parse one at a time.
        std::lock_guard<std::mutex> lock(pluginMutex());
        for (const EventFormat& f : meta.formats) {
            tep_parse_event(m_tep, f.text.data(), f.text.size(), f.system.c_str());
        }
    }
    if (printing) loadPrintingTables(meta);
    buildTypes();
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

void EventFormats::buildTypes() {
    int count = tep_get_events_count(m_tep);
    for (int i = 0; i < count; ++i) {
        tep_event* e = tep_get_event(m_tep, i);
        if (!e || e->id < 0 || e->id > 0xffff) continue;
        m_types.push_back({e->id, e->system ? e->system : "", e->name ? e->name : "", e});
    }
    std::sort(m_types.begin(), m_types.end(),
              [](const EventType& a, const EventType& b) { return a.id < b.id; });
    m_typeById.assign(m_types.empty() ? 0 : static_cast<size_t>(m_types.back().id) + 1, -1);
    m_extra.resize(m_types.size());
    for (size_t i = 0; i < m_types.size(); ++i) {
        m_typeById[static_cast<size_t>(m_types[i].id)] = static_cast<int32_t>(i);
        tep_event* e = m_types[i].tep;
        TypeExtra& x = m_extra[i];
        for (tep_format_field* f = e->format.common_fields; f; f = f->next) {
            x.extent = std::max(x.extent, fieldEnd(toRef(f)));
        }
        for (tep_format_field* f = e->format.fields; f; f = f->next) {
            FieldRef r = toRef(f);
            x.extent = std::max(x.extent, fieldEnd(r));
            if (r.dynamic) x.dynamicFields.push_back(r);
        }
        x.extent = std::min(x.extent, kMaxExtent);
    }
    if (!m_types.empty()) {
        tep_event* e = m_types.front().tep;
        m_commonType = toRef(tep_find_common_field(e, "common_type"));
        m_commonFlags = toRef(tep_find_common_field(e, "common_flags"));
        m_commonPreempt = toRef(tep_find_common_field(e, "common_preempt_count"));
        m_commonPid = toRef(tep_find_common_field(e, "common_pid"));
    }
    if (!m_commonType.valid() || !m_commonPid.valid()) {  // FORMATS.md: the usual layout
        m_commonType = {0, 2};
        m_commonFlags = {2, 1};
        m_commonPreempt = {3, 1};
        m_commonPid = {4, 4, true};
    }
    m_commonExtent = std::max({fieldEnd(m_commonType), fieldEnd(m_commonFlags),
                               fieldEnd(m_commonPreempt), fieldEnd(m_commonPid)});
    for (size_t i = 0; i < m_types.size(); ++i) prepareFastPath(m_types[i], m_extra[i]);
}

// Chooses how formatInfo renders a type: a copy of the plugin handler libtraceevent
// would call, a compiled print fmt, or libtraceevent itself.
void EventFormats::prepareFastPath(const EventType& type, TypeExtra& x) const {
    tep_event* e = type.tep;
    if (e->flags & (TEP_EVENT_FL_FAILED | TEP_EVENT_FL_ISBPRINT | TEP_EVENT_FL_NOHANDLE |
                    TEP_EVENT_FL_PRINTRAW)) {
        return;
    }
    auto fld = [e](const char* name) { return toRef(tep_find_field(e, name)); };
    auto scalar = [](const FieldRef& f) { return f.valid() && !f.array && !f.dynamic; };
    if (e->handler) {
        if (type.system == "sched" && type.name == "sched_switch") {
            const char* names[] = {"prev_comm", "prev_pid", "prev_prio", "prev_state",
                                   "next_comm", "next_pid", "next_prio"};
            for (int k = 0; k < 7; ++k) x.f[k] = fld(names[k]);
            bool ok = x.f[0].array && x.f[4].array;
            for (int k : {1, 2, 3, 5, 6}) ok = ok && scalar(x.f[k]);
            if (ok) x.fast = Fast::SchedSwitch;
        } else if (type.system == "sched" &&
                   (type.name == "sched_wakeup" || type.name == "sched_wakeup_new")) {
            const char* names[] = {"comm", "pid", "prio", "success", "target_cpu"};
            for (int k = 0; k < 5; ++k) x.f[k] = fld(names[k]);
            bool ok = scalar(x.f[1]) && (!x.f[0].valid() || x.f[0].array);
            for (int k : {2, 3, 4}) ok = ok && (!x.f[k].valid() || scalar(x.f[k]));
            if (ok) x.fast = Fast::SchedWakeup;
        } else if (type.system == "ftrace" &&
                   (type.name == "function" || type.name == "func_repeats")) {
            const char* names[] = {"ip", "parent_ip", "count", "top_delta_ts", "bottom_delta_ts"};
            for (int k = 0; k < 5; ++k) x.f[k] = fld(names[k]);
            bool repeats = type.name == "func_repeats";
            bool ok = scalar(x.f[0]) && scalar(x.f[1]);
            for (int k : {2, 3, 4}) ok = ok && (!repeats || scalar(x.f[k]));
            if (ok) x.fast = repeats ? Fast::FuncRepeats : Fast::Function;
        }
        return;  // any other handler stays with libtraceevent
    }
    if (ProgramCompiler(e, x.program).compile()) {
        x.fast = Fast::Program;
    } else {
        x.program.clear();
    }
}

const EventType* EventFormats::type(int id) const {
    if (id < 0 || static_cast<size_t>(id) >= m_typeById.size()) return nullptr;
    int32_t index = m_typeById[static_cast<size_t>(id)];
    return index < 0 ? nullptr : &m_types[static_cast<size_t>(index)];
}

bool EventFormats::hasFastPath(int typeId) const {
    const EventType* t = type(typeId);
    return t && m_extra[static_cast<size_t>(t - m_types.data())].fast != Fast::None;
}

const EventType* EventFormats::find(std::string_view system, std::string_view name) const {
    for (const EventType& t : m_types) {
        if (t.name == name && (system.empty() || t.system == system)) return &t;
    }
    return nullptr;
}

int EventFormats::typeIndex(const RawEvent& event) const {
    if (!event.data || event.size < m_commonExtent) return -1;
    uint64_t id = loadUnsigned(event.data + m_commonType.offset, m_commonType.size, m_bigEndian);
    if (id >= m_typeById.size()) return -1;
    return m_typeById[id];
}

bool EventFormats::common(const RawEvent& event, CommonFields& out) const {
    if (!event.data || event.size < m_commonExtent) return false;
    out.type = static_cast<uint16_t>(readUnsigned(m_commonType, event));
    out.flags = static_cast<uint8_t>(readUnsigned(m_commonFlags, event));
    out.preemptCount = static_cast<uint8_t>(readUnsigned(m_commonPreempt, event));
    out.pid = static_cast<int32_t>(readInt(m_commonPid, event));
    return true;
}

FieldRef EventFormats::field(int typeId, std::string_view name) const {
    const EventType* t = type(typeId);
    if (!t) return {};
    std::string key(name);
    return toRef(tep_find_any_field(t->tep, key.c_str()));
}

uint64_t EventFormats::readUnsigned(const FieldRef& f, const RawEvent& event) const {
    if (!f.valid() || !event.data || uint32_t{f.offset} + f.size > event.size) return 0;
    return loadUnsigned(event.data + f.offset, f.size, m_bigEndian);
}

int64_t EventFormats::readInt(const FieldRef& f, const RawEvent& event) const {
    uint64_t v = readUnsigned(f, event);
    if (!f.isSigned || f.size >= 8) return static_cast<int64_t>(v);
    unsigned shift = 64 - 8u * f.size;
    return static_cast<int64_t>(v << shift) >> shift;
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

void EventFormats::formatInfoReference(const RawEvent& event, int cpu, std::string& out) const {
    int index = typeIndex(event);
    if (index < 0) {
        // event-parse.c tep_print_event: no format for this id
        if (event.data && event.size >= m_commonExtent) out += "[UNKNOWN EVENT]";
        return;
    }
    tep_record record{};
    record.ts = event.ts;
    record.size = static_cast<int>(event.size);
    record.data = const_cast<uint8_t*>(safePayload(event, m_extra[static_cast<size_t>(index)]));
    record.cpu = cpu;
    trace_seq* seq = m_seq.get();
    trace_seq_reset(seq);
    tep_print_event(m_tep, seq, &record, "%s", TEP_PRINT_INFO);
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
        case Fast::SchedSwitch:
            schedSwitchInfo(event, x, out);
            return true;
        case Fast::SchedWakeup:
            schedWakeupInfo(event, x, out);
            return true;
        case Fast::Function:
        case Fast::FuncRepeats:
            functionInfo(event, x, cpu, out);
            return true;
        case Fast::Program:
            break;
    }
    const char* base = reinterpret_cast<const char*>(event.data);
    for (const InfoOp& op : x.program) {
        switch (op.kind) {
            case OpKind::Text:
                out += op.text;
                break;
            case OpKind::Number:
                appendNumber(op, evalNum(op.num, event, m_bigEndian), out);
                break;
            case OpKind::Pointer:
                appendPointer(evalNum(op.num, event, m_bigEndian), out);
                break;
            case OpKind::CharArray: {
                // print_str_arg copies the field's bytes (zeros past the payload here).
                uint32_t avail = op.field.offset < event.size ? event.size - op.field.offset : 0;
                out += cutAtNul(base + op.field.offset, std::min(op.field.arrayBytes, avail));
                break;
            }
            case OpKind::DynString: {
                // dynamic_offset_field, then "%s" from the offset: nothing when empty.
                uint32_t off = 0, len = 0;
                if (dynamicSpan(op.field, event, m_bigEndian, off, len) && len) {
                    out += cutAtNul(base + off, event.size - off);
                }
                break;
            }
            case OpKind::Symbol: {
                auto v = static_cast<int64_t>(evalNum(op.num, event, m_bigEndian));
                auto it = std::find_if(op.symbols.begin(), op.symbols.end(),
                                       [v](const auto& s) { return s.first == v; });
                if (it != op.symbols.end()) {
                    out += it->second;
                } else {
                    out += "0x";
                    appendDigits(static_cast<uint64_t>(v), 16, false, out);
                }
                break;
            }
            case OpKind::Choice:
                out += evalNum(op.num, event, m_bigEndian) ? op.text : op.alt;
                break;
        }
    }
    return true;
}

// plugin_sched_switch.c write_and_save_comm: the comm array up to its NUL, registered
// for the pid (the first comm a pid gets sticks, as in tep_register_comm).
void EventFormats::appendComm(const FieldRef& f, const RawEvent& event, int pid,
                              std::string& out) const {
    uint32_t avail = f.offset < event.size ? event.size - f.offset : 0;
    std::string_view comm = cutAtNul(reinterpret_cast<const char*>(event.data) + f.offset,
                                     std::min(f.arrayBytes, avail));
    out += comm;
    if (pid == 0) return;  // tep_register_comm ignores pid 0 once comms are sorted
    m_commScratch.assign(comm);
    tep_register_comm(m_tep, m_commScratch.c_str(), pid);
}

// plugin_sched_switch.c sched_switch_handler.
void EventFormats::schedSwitchInfo(const RawEvent& event, const TypeExtra& x,
                                   std::string& out) const {
    uint64_t prevPid = readUnsigned(x.f[1], event);
    appendComm(x.f[0], event, static_cast<int>(prevPid), out);
    out += ':';
    appendDecimal(static_cast<int64_t>(prevPid), out);
    out += " [";
    appendDecimal(static_cast<int32_t>(readUnsigned(x.f[2], event)), out);
    out += "] ";
    // write_state: the bits of "SDTtZXxW" joined with '|', 'R' when none is set.
    auto state = static_cast<int>(readUnsigned(x.f[3], event));
    static const char kStates[] = "SDTtZXxW";
    bool found = false;
    for (int i = 0; i < 8; ++i) {
        if (!(state & (1 << i))) continue;
        if (found) out += '|';
        found = true;
        out += kStates[i];
    }
    if (!found) out += 'R';
    out += " ==> ";
    uint64_t nextPid = readUnsigned(x.f[5], event);
    appendComm(x.f[4], event, static_cast<int>(nextPid), out);
    out += ':';
    appendDecimal(static_cast<int64_t>(nextPid), out);
    out += " [";
    appendDecimal(static_cast<int32_t>(readUnsigned(x.f[6], event)), out);
    out += ']';
}

// plugin_sched_switch.c sched_wakeup_handler.
void EventFormats::schedWakeupInfo(const RawEvent& event, const TypeExtra& x,
                                   std::string& out) const {
    uint64_t pid = readUnsigned(x.f[1], event);
    if (x.f[0].valid()) {
        appendComm(x.f[0], event, static_cast<int>(pid), out);
        out += ':';
    }
    appendDecimal(static_cast<int64_t>(pid), out);
    if (x.f[2].valid()) {
        out += " [";
        appendDecimal(static_cast<int64_t>(readUnsigned(x.f[2], event)), out);
        out += ']';
    }
    if (x.f[3].valid()) {
        out += " success=";
        appendDecimal(static_cast<int64_t>(readUnsigned(x.f[3], event)), out);
    }
    if (x.f[4].valid()) {
        out += " CPU:";
        size_t at = out.size();
        appendDigits(readUnsigned(x.f[4], event), 10, false, out);
        if (out.size() - at < 3) out.insert(at, 3 - (out.size() - at), '0');
    }
}

// plugin_function.c function_handler with its default options (indent on, parent and
// offset off), and trace_func_repeat_handler.
void EventFormats::functionInfo(const RawEvent& event, const TypeExtra& x, int cpu,
                                std::string& out) const {
    uint64_t ip = readUnsigned(x.f[0], event);
    const char* func = symbol(ip);
    const char* parent = symbol(readUnsigned(x.f[1], event));
    int index = parent ? m_indent->index(parent, func, cpu) : 0;
    out.append(static_cast<size_t>(index) * 3, ' ');
    if (func) {
        out += func;
    } else {
        out += "0x";
        appendDigits(ip, 16, false, out);
    }
    if (x.fast != Fast::FuncRepeats) return;
    // The time of the last repeat, printed with tep_func_repeat_format ("%6.1000d":
    // microseconds, rounded).
    uint64_t delta = (readUnsigned(x.f[3], event) << 32) | readUnsigned(x.f[4], event);
    uint64_t us = (event.ts - delta + 500) / 1000;
    char buf[96];
    int n = snprintf(buf, sizeof buf, " (count: %lld  last_ts: %5llu.%06llu)",
                     static_cast<long long>(readUnsigned(x.f[2], event)),
                     static_cast<unsigned long long>(us / 1000000),
                     static_cast<unsigned long long>(us % 1000000));
    out.append(buf, static_cast<size_t>(std::max(n, 0)));
}

}  // namespace kestrel
