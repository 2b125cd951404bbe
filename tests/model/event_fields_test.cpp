// Fields and stacks of known events of the fixtures.
#include "formats/event_fields.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace kestrel
