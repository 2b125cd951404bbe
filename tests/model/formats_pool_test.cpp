// FormatsPool: worker threads of a parallel pass (index build, search) each borrow an
// EventFormats of their own, and the first pass creates them all at once, one per thread.
#include "formats/formats_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <optional>
#include <thread>

#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

// libtraceevent's info text of every event: symbolic and flag names come from the
// values parsed out of the formats.
std::vector<std::string> infoTexts(const TraceModel& model, const EventFormats& formats) {
    std::vector<std::string> texts;
    EventCursor cursor(model);
    EventRef ev;
    while (cursor.next(ev)) {
        std::string info;
        formats.formatInfoReference(ev.raw, static_cast<int>(ev.cpu), info);
        texts.push_back(std::move(info));
    }
    EXPECT_FALSE(model.damaged());
    return texts;
}

// Parsing a format is not thread-safe in libtraceevent (arg_eval() prints the value of a
// __print_symbolic/__print_flags entry into a static buffer before copying it), so
// instances created on several threads at once could take each other's values.
TEST(FormatsPool, InstancesCreatedOnSeveralThreadsAtOncePrintLikeOneMadeAlone) {
    auto model = TraceModel::open(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(model) << model.message();
    auto alone = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(alone) << alone.message();
    const std::vector<std::string> expected = infoTexts(*model.value(), *alone.value());
    ASSERT_FALSE(expected.empty());

    FormatsPool pool(model.value()->meta());
    constexpr int kThreads = 4;
    std::latch start(kThreads);
    std::vector<std::optional<FormatsPool::Lease>> leases(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();  // all acquire together: the pool is empty, each creates
            auto lease = pool.acquire();
            if (lease) leases[t].emplace(std::move(lease.value()));
        });
    }
    for (auto& thread : threads) thread.join();
    for (int t = 0; t < kThreads; ++t) {
        ASSERT_TRUE(leases[t].has_value()) << "thread " << t;
        const std::vector<std::string> texts = infoTexts(*model.value(), **leases[t]);
        ASSERT_EQ(texts.size(), expected.size()) << "thread " << t;
        auto differ = std::mismatch(texts.begin(), texts.end(), expected.begin());
        EXPECT_TRUE(differ.first == texts.end())
            << "thread " << t << ", event " << (differ.first - texts.begin()) << ": \""
            << *differ.first << "\" instead of \"" << *differ.second << "\"";
    }
}

}  // namespace
}  // namespace kestrel
