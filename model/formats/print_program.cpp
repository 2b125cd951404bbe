#include "formats/print_program.h"

#include <traceevent/event-parse.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "formats/format_helpers.h"

namespace kestrel {
namespace {

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

}  // namespace

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

namespace {

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

}  // namespace

PrintProgram::PrintProgram() = default;
PrintProgram::~PrintProgram() = default;
PrintProgram::PrintProgram(PrintProgram&&) noexcept = default;
PrintProgram& PrintProgram::operator=(PrintProgram&&) noexcept = default;

bool PrintProgram::compile(tep_event* event) {
    m_ops.clear();
    if (!ProgramCompiler(event, m_ops).compile()) m_ops.clear();
    return !m_ops.empty();
}

void PrintProgram::run(const RawEvent& event, bool big, std::string& out) const {
    const char* base = reinterpret_cast<const char*>(event.data);
    for (const InfoOp& op : m_ops) {
        switch (op.kind) {
            case OpKind::Text:
                out += op.text;
                break;
            case OpKind::Number:
                appendNumber(op, evalNum(op.num, event, big), out);
                break;
            case OpKind::Pointer:
                appendPointer(evalNum(op.num, event, big), out);
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
                if (dynamicSpan(op.field, event, big, off, len) && len) {
                    out += cutAtNul(base + off, event.size - off);
                }
                break;
            }
            case OpKind::Symbol: {
                auto v = static_cast<int64_t>(evalNum(op.num, event, big));
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
                out += evalNum(op.num, event, big) ? op.text : op.alt;
                break;
        }
    }
}

}  // namespace kestrel
