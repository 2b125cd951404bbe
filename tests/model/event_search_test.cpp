// searchRows finds the same rows a plain walk over trace-cmd report finds.
#include "query/event_search.h"

#include <gtest/gtest.h>

#include <regex>

#include "decode/trace_model.h"
#include "support/report_oracle.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

class EventSearchTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
        std::string path = test::dataPath("sched-irq-timer.dat");
        m_model = std::move(TraceModel::open(path).value());
        m_pool = std::make_unique<FormatsPool>(m_model->meta());
        m_index = std::move(EventIndex::build(*m_model, *m_pool, {}, nullptr, 2).value());
        m_lines = test::reportLines(path);
        ASSERT_EQ(m_lines.size(), m_index->rows());
    }
    uint64_t search(const SearchQuery& q, uint64_t start, SearchDirection d) {
        auto r = searchRows(*m_model, *m_index, *m_pool, q, start, d, nullptr, 2);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.message());
        return r.ok() ? r.value() : kNoRow - 1;
    }
    // The oracle: walk the report lines.
    template <class Pred>
    uint64_t walk(uint64_t start, SearchDirection d, Pred pred) const {
        if (d == SearchDirection::Forward) {
            for (uint64_t r = start; r < m_lines.size(); ++r) {
                if (pred(m_lines[r])) return r;
            }
        } else {
            for (uint64_t r = std::min<uint64_t>(start, m_lines.size() - 1) + 1; r-- > 0;) {
                if (pred(m_lines[r])) return r;
            }
        }
        return kNoRow;
    }

    std::unique_ptr<TraceModel> m_model;
    std::unique_ptr<FormatsPool> m_pool;
    std::shared_ptr<const EventIndex> m_index;
    std::vector<test::ReportLine> m_lines;
};

TEST_F(EventSearchTest, InfoContainsNextAndPrevious) {
    SearchQuery q{Column::Info, "==> kworker", false, true};
    auto has = [](const test::ReportLine& l) {
        return l.info.find("==> kworker") != std::string::npos;
    };
    for (uint64_t start : {0ul, 1ul, 4000ul, 9000ul, 17000ul}) {
        EXPECT_EQ(search(q, start, SearchDirection::Forward),
                  walk(start, SearchDirection::Forward, has))
            << start;
        EXPECT_EQ(search(q, start, SearchDirection::Backward),
                  walk(start, SearchDirection::Backward, has))
            << start;
    }
}

TEST_F(EventSearchTest, NextFromAMatchIncludesIt) {
    SearchQuery q{Column::Event, "hrtimer_expire_entry", false, true};
    uint64_t first = search(q, 0, SearchDirection::Forward);
    ASSERT_NE(first, kNoRow);
    EXPECT_EQ(m_lines[first].event, "hrtimer_expire_entry");
    EXPECT_EQ(search(q, first, SearchDirection::Forward), first);
    uint64_t second = search(q, first + 1, SearchDirection::Forward);
    EXPECT_GT(second, first);
    EXPECT_EQ(search(q, second - 1, SearchDirection::Backward), first);
}

TEST_F(EventSearchTest, NothingFoundIsNoRow) {
    SearchQuery q{Column::Info, "no such text anywhere", false, true};
    EXPECT_EQ(search(q, 0, SearchDirection::Forward), kNoRow);
    EXPECT_EQ(search(q, m_lines.size() - 1, SearchDirection::Backward), kNoRow);
}

TEST_F(EventSearchTest, CaseInsensitiveAndRegex) {
    SearchQuery q{Column::Task, "KWORKER/", false, false};
    auto kw = [](const test::ReportLine& l) { return l.task.rfind("kworker/", 0) == 0; };
    EXPECT_EQ(search(q, 0, SearchDirection::Forward), walk(0, SearchDirection::Forward, kw));
    SearchQuery re{Column::Info, "prev_pid=|\\[1[0-9]{2}\\] D", true, true};
    std::regex r("prev_pid=|\\[1[0-9]{2}\\] D");
    auto rx = [&](const test::ReportLine& l) { return std::regex_search(l.info, r); };
    EXPECT_EQ(search(re, 0, SearchDirection::Forward), walk(0, SearchDirection::Forward, rx));
    EXPECT_EQ(search(re, m_lines.size(), SearchDirection::Backward),
              walk(m_lines.size(), SearchDirection::Backward, rx));
}

TEST_F(EventSearchTest, PidColumn) {
    SearchQuery q{Column::Pid, "5782", false, true};
    auto p = [](const test::ReportLine& l) {
        return std::to_string(l.pid).find("5782") != std::string::npos;
    };
    EXPECT_EQ(search(q, 100, SearchDirection::Forward), walk(100, SearchDirection::Forward, p));
}

TEST_F(EventSearchTest, BadRegexIsAnError) {
    SearchQuery q{Column::Info, "([", true, true};
    auto r = searchRows(*m_model, *m_index, *m_pool, q, 0, SearchDirection::Forward);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message().rfind("bad regular expression \"([\": ", 0), 0u) << r.message();
}

TEST_F(EventSearchTest, ProgressCountsEveryChunk) {
    Progress progress;
    SearchQuery q{Column::Info, "no such text anywhere", false, true};
    auto r = searchRows(*m_model, *m_index, *m_pool, q, 0, SearchDirection::Forward, &progress, 2);
    ASSERT_TRUE(r.ok());
    EXPECT_GT(progress.total.load(), 0u);
    EXPECT_EQ(progress.done.load(), progress.total.load());
}

TEST_F(EventSearchTest, CancelledSearchSaysSo) {
    Progress progress;
    progress.cancel = true;
    SearchQuery q{Column::Info, "no such text anywhere", false, true};
    auto r = searchRows(*m_model, *m_index, *m_pool, q, 0, SearchDirection::Forward, &progress, 2);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), "cancelled");
}

// countMatches counts the rows trace-cmd's report has for the query, and matchNumber
// gives each matching row its place among them ("n of N"), in the first, a middle and
// the last chunk of the index.
TEST_F(EventSearchTest, CountAndNumberOfEachMatchAreTheReports) {
    SearchQuery q{Column::Info, "==> ", false, true};
    std::vector<uint64_t> hits;
    for (uint64_t r = 0; r < m_lines.size(); ++r) {
        if (m_lines[r].info.find("==> ") != std::string::npos) hits.push_back(r);
    }
    ASSERT_GT(hits.size(), 10u);
    Progress progress;
    auto counts = countMatches(*m_model, *m_index, *m_pool, q, &progress, 2);
    ASSERT_TRUE(counts.ok()) << counts.message();
    EXPECT_EQ(counts->total, hits.size());
    EXPECT_GT(counts->firstRows.size(), 1u);  // more than one chunk is counted
    EXPECT_EQ(progress.done.load(), progress.total.load());
    for (size_t k : {size_t{0}, size_t{1}, hits.size() / 2, hits.size() - 1}) {
        auto n = matchNumber(*m_model, *m_index, *m_pool, q, counts.value(), hits[k]);
        ASSERT_TRUE(n.ok()) << n.message();
        EXPECT_EQ(n.value(), k + 1) << "row " << hits[k];
    }
}

TEST_F(EventSearchTest, CountingUnderAFilterCountsItsRows) {
    EventFilter f;
    f.advanced = "sched_switch";
    auto index = EventIndex::build(*m_model, *m_pool, f, nullptr, 2);
    ASSERT_TRUE(index.ok()) << index.message();
    SearchQuery q{Column::Info, "==> kworker", false, true};
    uint64_t want = 0;
    for (const auto& l : m_lines) {
        want += l.event == "sched_switch" && l.info.find("==> kworker") != std::string::npos;
    }
    auto counts = countMatches(*m_model, **index, *m_pool, q, nullptr, 2);
    ASSERT_TRUE(counts.ok()) << counts.message();
    EXPECT_EQ(counts->total, want);
}

TEST_F(EventSearchTest, CancelledCountSaysSo) {
    Progress progress;
    progress.cancel = true;
    SearchQuery q{Column::Info, "x", false, true};
    auto r = countMatches(*m_model, *m_index, *m_pool, q, &progress, 2);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), "cancelled");
}

// The Info column of a function_graph trace is searched as the table shows it: a leaf
// call's line "dur | func();" as the report prints it, and its exit's row "} /* func */";
// counted over several chunks, each matching row found by a forward search from the last.
TEST(EventSearchFunctionGraph, MatchesTheLeafLinesTheTableShows) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string path = test::dataPath("function-graph.dat");
    auto model = TraceModel::open(path);
    ASSERT_TRUE(model) << model.message();
    FormatsPool pool(model.value()->meta());
    auto index = EventIndex::build(*model.value(), pool, {}, nullptr, 2);
    ASSERT_TRUE(index) << index.message();
    uint64_t leaves = 0;
    for (const test::ReportLine& l : test::reportLines(path)) {
        leaves += l.event == "funcgraph_entry" && l.info.ends_with("();");
    }
    ASSERT_GT(leaves, 1000u);
    for (const char* text : {"();", "} /* "}) {
        SearchQuery q{Column::Info, text, false, true};
        auto counts = countMatches(*model.value(), *index.value(), pool, q, nullptr, 2);
        ASSERT_TRUE(counts) << counts.message();
        EXPECT_EQ(counts->total, leaves) << text;
        EXPECT_GT(counts->firstRows.size(), 2u);
    }
    // A leaf's exit row follows its entry's: the first "} /* " is the row after the first
    // "();".
    SearchQuery leaf{Column::Info, "();", false, true};
    SearchQuery exit{Column::Info, "} /* ", false, true};
    auto first = searchRows(*model.value(), *index.value(), pool, leaf, 0, SearchDirection::Forward,
                            nullptr, 2);
    auto closing = searchRows(*model.value(), *index.value(), pool, exit, 0,
                              SearchDirection::Forward, nullptr, 2);
    ASSERT_TRUE(first && closing);
    EXPECT_EQ(closing.value(), first.value() + 1);
}

}  // namespace
}  // namespace kestrel
