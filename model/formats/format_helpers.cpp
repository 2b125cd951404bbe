#include "formats/format_helpers.h"

#include <traceevent/event-parse.h>

namespace kestrel {

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

}  // namespace kestrel
