#include "formats/event_fields.h"

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace kestrel {
namespace {

std::string typeOf(const tep_format_field* f) {
    std::string type = f->type ? f->type : "";
    // A fixed array's type already carries "[N]" in the format ("char prev_comm[16]"
    // keeps the brackets in `type`); nothing to add.
    return type;
}

// Numeric arrays ("unsigned long args[6]") element by element in hex; libtraceevent's
// field printer shows any array as its raw bytes.
bool numericArray(const tep_format_field* f, const uint8_t* data, bool bigEndian,
                  std::string& out) {
    if (!(f->flags & TEP_FIELD_IS_ARRAY) ||
        (f->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC))) {
        return false;
    }
    unsigned el = static_cast<unsigned>(f->elementsize);
    if (el == 0 && f->arraylen > 0) el = static_cast<unsigned>(f->size) / f->arraylen;
    if ((el != 2 && el != 4 && el != 8) || f->size <= 0 || f->size % static_cast<int>(el) != 0) {
        return false;
    }
    out += '{';
    for (int at = 0; at < f->size; at += static_cast<int>(el)) {
        const uint8_t* p = data + f->offset + at;
        uint64_t v = 0;
        for (unsigned b = 0; b < el; ++b) {
            unsigned shift = 8 * (bigEndian ? el - 1 - b : b);
            v |= static_cast<uint64_t>(p[b]) << shift;
        }
        char buf[24];
        std::snprintf(buf, sizeof buf, "%s0x%llx", at ? ", " : "",
                      static_cast<unsigned long long>(v));
        out += buf;
    }
    out += '}';
    return true;
}

void appendFields(tep_format_field* f, bool common, const EventRef& event, bool bigEndian,
                  const uint8_t* padded, std::vector<FieldText>& out) {
    trace_seq seq;
    trace_seq_init(&seq);
    for (; f; f = f->next) {
        std::string value;
        if (!numericArray(f, padded, bigEndian, value)) {
            trace_seq_reset(&seq);
            tep_print_field_content(&seq, const_cast<uint8_t*>(padded),
                                    static_cast<int>(event.raw.size), f);
            trace_seq_terminate(&seq);
            value.assign(seq.buffer, seq.len);
        }
        out.push_back({f->name ? f->name : "", typeOf(f), std::move(value), common});
    }
    trace_seq_destroy(&seq);
}

}  // namespace

std::vector<FieldText> eventFields(EventFormats& formats, const EventRef& event) {
    std::vector<FieldText> out;
    CommonFields common;
    if (!formats.common(event.raw, common)) return out;
    const EventType* type = formats.type(common.type);
    if (!type || !type->tep) return out;
    // libtraceevent's printers read fields at their format offsets without checking the
    // record size, and follow __data_loc words wherever they point: they get the copy
    // EventFormats pads with zeros and clears bad __data_loc words in.
    const uint8_t* padded = formats.paddedPayload(event.raw);
    if (!padded) return out;
    appendFields(type->tep->format.common_fields, true, event, formats.bigEndian(), padded, out);
    appendFields(type->tep->format.fields, false, event, formats.bigEndian(), padded, out);
    return out;
}

std::vector<StackFrame> eventStack(EventFormats& formats, const EventRef& event) {
    std::vector<StackFrame> out;
    CommonFields common;
    if (!formats.common(event.raw, common)) return out;
    const EventType* type = formats.type(common.type);
    if (!type || type->system != "ftrace" ||
        (type->name != "kernel_stack" && type->name != "user_stack")) {
        return out;
    }
    bool kernel = type->name == "kernel_stack";
    FieldRef caller = formats.field(common.type, "caller");
    if (!caller.valid() || caller.size == 0) return out;
    // trace_entries.h: `size` is the number of entries recorded (kernel_stack).
    size_t count =
        caller.offset < event.raw.size ? (event.raw.size - caller.offset) / caller.size : 0;
    FieldRef size = formats.field(common.type, "size");
    if (size.valid()) count = std::min<size_t>(count, formats.readUnsigned(size, event.raw));
    for (size_t i = 0; i < count; ++i) {
        FieldRef entry = caller;
        entry.offset = static_cast<uint16_t>(caller.offset + i * caller.size);
        entry.array = false;
        uint64_t addr = formats.readUnsigned(entry, event.raw);
        // The kernel ends a short user stack with ULONG_MAX; zeros are unused slots.
        if (addr == 0 || addr == (caller.size == 8 ? ~0ull : 0xffffffffull)) {
            if (!kernel) break;
            continue;
        }
        StackFrame frame{addr, {}};
        if (kernel) {
            if (const char* name = formats.symbol(addr)) {
                uint64_t start = tep_find_function_address(formats.tep(), addr);
                char buf[32];
                std::snprintf(buf, sizeof buf, "+0x%llx",
                              static_cast<unsigned long long>(addr - start));
                frame.symbol = std::string(name) + buf;
            }
        }
        out.push_back(std::move(frame));
    }
    return out;
}

}  // namespace kestrel
