// Fields and stacks of known events of the fixtures.
#include "formats/event_fields.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/byte_order.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Opened {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
};

Opened open(const char* name) {
    Opened o;
    o.model = std::move(TraceModel::open(test::dataPath(name)).value());
    o.formats = std::move(EventFormats::create(o.model->meta()).value());
    return o;
}

// The first event of a type, handed to `fn` while its frame is alive.
template <class Fn>
bool firstOf(Opened& o, const char* name, Fn fn) {
    EventCursor cursor(*o.model);
    EventRef ev;
    while (cursor.next(ev)) {
        CommonFields c;
        if (!o.formats->common(ev.raw, c)) continue;
        const EventType* t = o.formats->type(c.type);
        if (t && t->name == name) {
            fn(ev);
            return true;
        }
    }
    return false;
}

TEST(EventFields, SchedSwitchHasEveryFieldWithTypeAndValue) {
    Opened o = open("sched-irq-timer.dat");
    // trace-cmd report: bash:5782 [120] R ==> memfd:sealed-91:1534 [120] (first switch)
    ASSERT_TRUE(firstOf(o, "sched_switch", [&](const EventRef& ev) {
        auto fields = eventFields(*o.formats, ev);
        auto find = [&](const char* n) -> const FieldText* {
            for (const auto& f : fields) {
                if (f.name == n) return &f;
            }
            return nullptr;
        };
        ASSERT_NE(find("common_pid"), nullptr);
        EXPECT_TRUE(find("common_pid")->common);
        EXPECT_EQ(find("common_pid")->value, "5782");
        ASSERT_NE(find("prev_comm"), nullptr);
        EXPECT_EQ(find("prev_comm")->value, "bash");
        EXPECT_NE(find("prev_comm")->type.find("char"), std::string::npos);
        EXPECT_EQ(find("prev_pid")->value, "5782");
        EXPECT_EQ(find("next_comm")->value, "memfd:sealed-91");
        EXPECT_EQ(find("next_pid")->value, "1534");
        EXPECT_EQ(find("next_prio")->value, "120");
        EXPECT_FALSE(find("next_prio")->common);
        EXPECT_EQ(find("next_pid")->type, "pid_t");
        EXPECT_TRUE(eventStack(*o.formats, ev).empty());
    }));
}

TEST(EventFields, NumericArraysArePrintedPerElement) {
    Opened o = open("function-stacks.dat");
    // kernel_stack's caller[] holds the addresses; its first one is ffffffffc05da083.
    ASSERT_TRUE(firstOf(o, "kernel_stack", [&](const EventRef& ev) {
        for (const FieldText& f : eventFields(*o.formats, ev)) {
            if (f.name != "caller") continue;
            EXPECT_EQ(f.value.rfind("{0xffffffffc05da083, 0xffffffff98163d45, ", 0), 0u) << f.value;
            return;
        }
        ADD_FAILURE() << "no caller field";
    }));
}

TEST(EventFields, KernelStackHasSymbolNames) {
    Opened o = open("function-stacks.dat");
    // trace-cmd report's first kernel_stack:
    //   => ffffffffc05da083 / => vfs_open (ffffffff98163d45) / => path_openat ...
    ASSERT_TRUE(firstOf(o, "kernel_stack", [&](const EventRef& ev) {
        auto stack = eventStack(*o.formats, ev);
        ASSERT_GE(stack.size(), 4u);
        EXPECT_EQ(stack[0].address, 0xffffffffc05da083ull);
        EXPECT_EQ(stack[0].symbol, "");
        EXPECT_EQ(stack[1].address, 0xffffffff98163d45ull);
        EXPECT_EQ(stack[1].symbol.rfind("vfs_open+0x", 0), 0u) << stack[1].symbol;
        EXPECT_EQ(stack[2].symbol.rfind("path_openat+0x", 0), 0u) << stack[2].symbol;
        EXPECT_EQ(stack[3].symbol.rfind("do_filp_open+0x", 0), 0u) << stack[3].symbol;
    }));
}

// A __data_loc word whose length runs past the payload: libtraceevent's field printer
// follows it wherever it points. The details pane must show nothing from beyond the
// string's bounds (before the fix it showed the payload bytes the word pointed at).
TEST(EventFields, ADataLocRunningPastThePayloadShowsNoBytes) {
    Opened o = open("sched-irq-timer.dat");
    // trace-cmd report: irq_handler_entry: irq=36 name=virtio1-req.0
    ASSERT_TRUE(firstOf(o, "irq_handler_entry", [&](const EventRef& ev) {
        CommonFields c;
        ASSERT_TRUE(o.formats->common(ev.raw, c));
        FieldRef name = o.formats->field(c.type, "name");
        ASSERT_TRUE(name.valid() && name.dynamic);
        std::vector<uint8_t> bytes(ev.raw.data, ev.raw.data + ev.raw.size);
        uint32_t word = load32(bytes.data() + name.offset, false);
        uint32_t offset = word & 0xffff;
        ASSERT_LT(offset, bytes.size());
        // Same start, a length reaching 200 bytes past the end of the payload.
        uint32_t length = static_cast<uint32_t>(bytes.size()) - offset + 200;
        store32(bytes.data() + name.offset, (length << 16) | offset);
        EventRef patched = ev;
        patched.raw.data = bytes.data();
        auto fields = eventFields(*o.formats, patched);
        auto it = std::find_if(fields.begin(), fields.end(),
                               [](const FieldText& f) { return f.name == "name"; });
        ASSERT_NE(it, fields.end());
        EXPECT_EQ(it->value.find("virtio"), std::string::npos) << it->value;
        auto irq = std::find_if(fields.begin(), fields.end(),
                                [](const FieldText& f) { return f.name == "irq"; });
        ASSERT_NE(irq, fields.end());
        EXPECT_EQ(irq->value, "36");  // the rest of the event still reads right
    }));
}

}  // namespace
}  // namespace kestrel
