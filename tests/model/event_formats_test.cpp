// EventFormats: formats parsed on demand, and printing through libtraceevent's plugins
// one thread at a time.
#include "formats/event_formats.h"

#include <gtest/gtest.h>
#include <traceevent/event-parse.h>

#include <chrono>
#include <future>
#include <mutex>
#include <set>

#include "base/byte_order.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

std::unique_ptr<TraceModel> openModel(const char* name) {
    auto model = TraceModel::open(test::dataPath(name));
    EXPECT_TRUE(model) << (model ? "" : model.message());
    return model ? std::move(model.value()) : nullptr;
}

// trace-cmd stores every format of the recording kernel; opening must not parse them all
// (that was most of `ktr stats`' time), only what is used.
TEST(EventFormats, OpeningParsesOneFormatAndUsingATypeParsesIt) {
    auto model = openModel("sched-irq-timer.dat");
    ASSERT_TRUE(model);
    ASSERT_GT(model->meta().formats.size(), 500u);
    auto formats = EventFormats::create(model->meta(), EventFormats::Use::kFields);
    ASSERT_TRUE(formats);
    EventFormats& f = **formats;
    EXPECT_EQ(f.types().size(), model->meta().formats.size());
    EXPECT_LE(tep_get_events_count(f.tep()), 1);  // the one that gives the common fields
    const EventType* sw = f.find("sched", "sched_switch");
    ASSERT_NE(sw, nullptr);
    ASSERT_NE(sw->tep, nullptr);
    EXPECT_LE(tep_get_events_count(f.tep()), 2);
    EXPECT_TRUE(f.field(sw->id, "next_pid").valid());
}

// Every event of the trace, typed: only the types present get parsed.
TEST(EventFormats, WalkingATraceParsesOnlyItsEventTypes) {
    auto model = openModel("sched-irq-timer.dat");
    ASSERT_TRUE(model);
    auto formats = EventFormats::create(model->meta());
    ASSERT_TRUE(formats);
    EventFormats& f = **formats;
    std::set<int> present;
    EventCursor cursor(*model);
    EventRef ev;
    std::string text;
    while (cursor.next(ev)) {
        CommonFields c;
        ASSERT_TRUE(f.common(ev.raw, c));
        present.insert(c.type);
        text.clear();
        f.formatInfo(ev.raw, static_cast<int>(ev.cpu), text);
    }
    ASSERT_FALSE(model->damaged());
    EXPECT_GE(present.size(), 5u);
    EXPECT_LE(static_cast<size_t>(tep_get_events_count(f.tep())), present.size() + 1);
    f.parseAll();
    EXPECT_GT(static_cast<size_t>(tep_get_events_count(f.tep())), present.size() + 100);
}

// The payload of the first event of type `name` in `model`.
std::vector<uint8_t> firstPayload(const TraceModel& model, const EventFormats& formats,
                                  const char* name) {
    EventCursor cursor(model);
    EventRef ev;
    while (cursor.next(ev)) {
        const EventType* t = formats.typeOf(ev.raw);
        if (t && t->name == name) return {ev.raw.data, ev.raw.data + ev.raw.size};
    }
    return {};
}

RawEvent raw(const std::vector<uint8_t>& payload) {
    return {1, payload.data(), static_cast<uint32_t>(payload.size())};
}

// plugin_function.c keeps its call stack in process-wide statics that its handler
// rewrites: two threads printing function events through libtraceevent at once corrupt
// it. A plugin's handler must run under the plugin lock; events without one must not.
TEST(EventFormats, PluginHandlersPrintUnderThePluginLockOthersDoNot) {
    auto functions = openModel("function-stacks.dat");
    auto irqs = openModel("sched-irq-timer.dat");
    ASSERT_TRUE(functions && irqs);
    // Instances are made before the lock is taken: loading plugins takes it too.
    auto viaPlugin = EventFormats::create(functions->meta());
    auto plain = EventFormats::create(irqs->meta());
    ASSERT_TRUE(viaPlugin && plain);
    auto function = firstPayload(*functions, **viaPlugin, "function");
    auto irq = firstPayload(*irqs, **plain, "irq_handler_entry");
    ASSERT_FALSE(function.empty() || irq.empty());
    ASSERT_NE((*viaPlugin)->typeOf(raw(function))->tep->handler, nullptr);
    ASSERT_EQ((*plain)->typeOf(raw(irq))->tep->handler, nullptr);

    std::unique_lock<std::mutex> held(EventFormats::pluginLock());
    std::string plainOut;
    auto printPlain = std::async(std::launch::async,
                                 [&] { (*plain)->formatInfoReference(raw(irq), 0, plainOut); });
    // An event without a plugin handler prints while the lock is held elsewhere.
    ASSERT_EQ(printPlain.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_EQ(plainOut, "irq=36 name=virtio1-req.0");
    std::string out;
    auto printFunction = std::async(
        std::launch::async, [&] { (*viaPlugin)->formatInfoReference(raw(function), 0, out); });
    // Held here, the lock keeps the plugin's handler from running.
    EXPECT_EQ(printFunction.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
    held.unlock();
    ASSERT_EQ(printFunction.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    EXPECT_FALSE(out.empty());
}

// A damaged format whose print fmt names a field it does not declare made libtraceevent
// 1.7 dereference a null pointer while parsing it (found by the tracedat fuzzer). The
// event is kept, flagged as a format that failed to parse (libtraceevent then prints it
// as "[FAILED TO PARSE]" unless a plugin handles it).
TEST(EventFormats, APrintFmtNamingAnUndeclaredFieldFailsToParseWithoutCrashing) {
    TraceMeta meta;
    meta.headerPage = test::readText(test::dataPath("pages/header_page"));
    meta.headerEvent = test::readText(test::dataPath("pages/header_event"));
    std::string format = test::readText(test::dataPath("pages/sched_switch.format"));
    size_t field = format.find("prev_state;");
    ASSERT_NE(field, std::string::npos);
    format.replace(field, 10, "prev_stare");  // declared under another name
    meta.formats.push_back({"sched", format});
    meta.buffers.push_back({"", "local", 4096});
    auto formats = EventFormats::create(meta);
    ASSERT_TRUE(formats) << formats.message();
    const EventType* type = (*formats)->find("sched", "sched_switch");
    ASSERT_NE(type, nullptr);
    EXPECT_TRUE(type->tep->flags & TEP_EVENT_FL_FAILED);
    EXPECT_TRUE((*formats)->field(type->id, "prev_stare").valid());
    EXPECT_FALSE((*formats)->hasFastPath(type->id));
    std::vector<uint8_t> payload(64, 0);
    store16(payload.data(), static_cast<uint16_t>(type->id));
    std::string out;
    (*formats)->formatInfo({1, payload.data(), static_cast<uint32_t>(payload.size())}, 0, out);
    // sched_switch prints through its plugin, which names the field it could not find.
    EXPECT_NE(out.find("<CANT FIND FIELD prev_state>"), std::string::npos) << out;
}

// The same with a malformed array declaration ("prev_comm[16b;"): libtraceevent reads it as
// another field, and the print fmt's REC->prev_comm then reached a null field (found by
// the tracedat fuzzer). The fields still describe the event.
TEST(EventFormats, AMalformedArrayDeclarationFailsToParseWithoutCrashing) {
    TraceMeta meta;
    meta.headerPage = test::readText(test::dataPath("pages/header_page"));
    meta.headerEvent = test::readText(test::dataPath("pages/header_event"));
    std::string format = test::readText(test::dataPath("pages/sched_switch.format"));
    size_t field = format.find("prev_comm[16];");
    ASSERT_NE(field, std::string::npos);
    format.replace(field, 14, "prev_comm[16b;");
    meta.formats.push_back({"sched", format});
    meta.buffers.push_back({"", "local", 4096});
    auto formats = EventFormats::create(meta);
    ASSERT_TRUE(formats) << formats.message();
    const EventType* type = (*formats)->find("sched", "sched_switch");
    ASSERT_NE(type, nullptr);
    EXPECT_TRUE(type->tep->flags & TEP_EVENT_FL_FAILED);
    EXPECT_TRUE((*formats)->field(type->id, "next_pid").valid());
}

}  // namespace
}  // namespace kestrel
