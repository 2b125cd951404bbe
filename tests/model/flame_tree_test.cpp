// Flame trees against hand-made call paths and folded lines, and on the fixtures against
// sums the test takes from the spans (and the folded lines) itself.
#include "analysis/flame_tree.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "analysis/call_tree.h"
#include "analysis/stack_samples.h"
#include "decode/trace_model.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

// The child of `node` named `name`, or 0.
uint32_t childNamed(const FlameTree& t, uint32_t node, const std::string& name) {
    const FlameTree::Node& n = t.nodes[node];
    for (uint32_t c = n.firstChild; c < n.firstChild + n.children; ++c) {
        if (t.nameOf(c) == name) return c;
    }
    return 0;
}

// The node at "a;b;c", or 0.
uint32_t at(const FlameTree& t, const std::string& path) {
    std::stringstream in(path);
    std::string name;
    uint32_t node = 0;
    while (std::getline(in, name, ';')) {
        node = childNamed(t, node, name);
        if (node == 0) return 0;
    }
    return node;
}

CallPathTree::Node pathNode(uint32_t parent, uint32_t fn, uint64_t self, uint64_t total,
                            uint64_t calls) {
    return {parent, fn, self, total, calls};
}

TEST(FlameTree, CallPathsMergeFunctionsOfOneName) {
    CallPathTree paths;
    paths.nodes.push_back(pathNode(0, 0, 20, 100, 2));  // 1: a
    paths.nodes.push_back(pathNode(1, 1, 50, 50, 4));   // 2: a;b
    paths.nodes.push_back(pathNode(1, 2, 30, 30, 1));   // 3: a;c
    paths.nodes.push_back(pathNode(0, 3, 10, 10, 1));   // 4: a at another address
    paths.nodes.push_back(pathNode(4, 2, 5, 5, 1));     // 5: a;c there
    FlameTree t = flameFromCallPaths(paths, {"a", "b", "c", "a"});
    EXPECT_EQ(t.nodes[0].total, 110u);
    ASSERT_EQ(t.nodes[0].children, 1u);
    const uint32_t a = at(t, "a");
    EXPECT_EQ(t.nodes[a].total, 110u);
    EXPECT_EQ(t.nodes[a].self, 30u);
    EXPECT_EQ(t.nodes[a].count, 3u);
    EXPECT_EQ(t.nodes[at(t, "a;c")].total, 35u);
    EXPECT_EQ(t.nodes[at(t, "a;b")].count, 4u);
    // Widest first: b (50) before c (35).
    EXPECT_EQ(t.nameOf(t.nodes[a].firstChild), "b");
    EXPECT_EQ(t.nameOf(t.nodes[a].firstChild + 1), "c");
    EXPECT_EQ(t.nodes[at(t, "a;c")].depth, 2u);
    EXPECT_EQ(t.maxDepth, 2u);
    EXPECT_EQ(t.path(at(t, "a;c")), (std::vector<uint32_t>{0, a, at(t, "a;c")}));
}

TEST(FlameTree, FrameCoversItsCallees) {
    CallPathTree paths;
    paths.nodes.push_back(pathNode(0, 0, 0, 0, 0));    // a: no exit, no time of its own
    paths.nodes.push_back(pathNode(1, 1, 40, 40, 1));  // a;b
    FlameTree t = flameFromCallPaths(paths, {"a", "b"});
    EXPECT_EQ(t.nodes[at(t, "a")].total, 40u);
    EXPECT_EQ(t.nodes[at(t, "a")].self, 0u);
    EXPECT_EQ(t.nodes[0].total, 40u);
}

TEST(FlameTree, FoldedLines) {
    FlameTree t = flameFromFolded({{"a", 2}, {"a;b", 5}, {"a;c", 3}, {"d", 7}});
    EXPECT_EQ(t.nodes[0].total, 17u);
    EXPECT_EQ(t.nodes[at(t, "a")].total, 10u);
    EXPECT_EQ(t.nodes[at(t, "a")].self, 2u);
    EXPECT_EQ(t.nodes[at(t, "a;b")].total, 5u);
    EXPECT_EQ(t.nodes[at(t, "d")].self, 7u);
    EXPECT_EQ(t.nameOf(t.nodes[0].firstChild), "a");  // 10 before 7
}

TEST(FlameTree, DiffKeepsFramesOfEitherSide) {
    FlameTree before = flameFromFolded({{"a;b", 5}, {"a;c", 3}});
    FlameTree after = flameFromFolded({{"a;b", 2}, {"a;d", 4}});
    FlameTree d = diffFlames(before, after);
    ASSERT_TRUE(d.diff);
    EXPECT_EQ(d.nodes[at(d, "a")].before, 8u);
    EXPECT_EQ(d.nodes[at(d, "a")].total, 6u);
    EXPECT_EQ(d.nodes[at(d, "a;c")].before, 3u);
    EXPECT_EQ(d.nodes[at(d, "a;c")].total, 0u);
    EXPECT_EQ(d.nodes[at(d, "a;d")].before, 0u);
    EXPECT_EQ(d.nodes[at(d, "a;d")].total, 4u);
    EXPECT_EQ(d.width(at(d, "a")), 14u);
    EXPECT_EQ(d.nodes[0].before, 8u);
    EXPECT_EQ(d.nodes[0].total, 6u);
}

TEST(FlameTree, SearchCountsNestedMatchesOnce) {
    FlameTree t = flameFromFolded({{"a;b;a", 4}, {"a;c", 3}, {"x;a", 2}, {"b", 1}});
    EXPECT_EQ(matchedTotal(t, namesContaining(t, "A")), 9u);  // 7 in a, 2 in x;a
    EXPECT_EQ(matchedTotal(t, namesContaining(t, "b")), 5u);
    EXPECT_EQ(matchedTotal(t, namesContaining(t, "zzz")), 0u);
    EXPECT_EQ(matchedTotal(t, namesContaining(t, "")), 0u);
}

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
};

Loaded load(const std::string& fixture) {
    Loaded l;
    auto model = TraceModel::open(test::dataPath(fixture));
    if (!model) throw std::runtime_error(model.message());
    l.model = std::move(model.value());
    auto formats = EventFormats::create(l.model->meta());
    if (!formats) throw std::runtime_error(formats.message());
    l.formats = std::move(formats.value());
    return l;
}

std::vector<std::string> functionNames(const CallTrees& trees, const EventFormats& formats) {
    std::vector<std::string> names;
    for (uint32_t f = 0; f < trees.functions.size(); ++f)
        names.push_back(trees.functionName(f, formats));
    return names;
}

TEST(FlameTree, RootFramesAreTheOutermostCallsOfTheTrace) {
    Loaded l = load("function-graph.dat");
    auto built = buildCallTrees(*l.model, *l.formats);
    ASSERT_TRUE(built) << built.message();
    const CallTrees& trees = built.value();
    const std::vector<std::string> names = functionNames(trees, *l.formats);
    CallFilter all;
    all.unexited = true;
    FlameTree t = flameFromCallPaths(aggregateCalls(trees, all), names);

    std::map<std::string, uint64_t> expected;
    uint64_t sum = 0;
    for (const CallSpan& s : trees.spans) {
        if (s.depth != 0) continue;
        expected[names[s.function]] += s.duration;
        sum += s.duration;
    }
    ASSERT_GT(expected.size(), 3u);
    EXPECT_EQ(t.nodes[0].total, sum);
    EXPECT_EQ(t.nodes[0].children, expected.size());
    for (const auto& [name, total] : expected) EXPECT_EQ(t.nodes[at(t, name)].total, total) << name;
}

// Each folded line's value counted once if any of its frames matches.
uint64_t linesMatching(const std::vector<FoldedLine>& lines, const std::string& text) {
    uint64_t sum = 0;
    for (const FoldedLine& line : lines) {
        std::stringstream in(line.stack);
        std::string frame;
        bool hit = false;
        while (std::getline(in, frame, ';')) hit = hit || frame.find(text) != std::string::npos;
        if (hit) sum += line.value;
    }
    return sum;
}

TEST(FlameTree, StackSamplesAndSearchAgainstTheirLines) {
    Loaded l = load("function-stacks.dat");
    auto samples = foldStackSamples(*l.model, *l.formats, CallFilter{});
    ASSERT_TRUE(samples) << samples.message();
    const std::vector<FoldedLine>& lines = samples.value().lines;
    ASSERT_FALSE(lines.empty());
    FlameTree t = flameFromFolded(lines);
    EXPECT_EQ(t.nodes[0].total, samples.value().samples);

    std::map<std::string, uint64_t> roots;
    for (const FoldedLine& line : lines)
        roots[line.stack.substr(0, line.stack.find(';'))] += line.value;
    for (const auto& [name, total] : roots) EXPECT_EQ(t.nodes[at(t, name)].total, total) << name;

    for (const char* text : {"sys", "rcu", "_", "schedule"}) {
        EXPECT_EQ(matchedTotal(t, namesContaining(t, text)), linesMatching(lines, text)) << text;
    }
}

TEST(FlameTree, DiffOfATraceAgainstItselfChangesNothing) {
    Loaded l = load("function-graph.dat");
    auto built = buildCallTrees(*l.model, *l.formats);
    ASSERT_TRUE(built) << built.message();
    const std::vector<std::string> names = functionNames(built.value(), *l.formats);
    FlameTree t = flameFromCallPaths(aggregateCalls(built.value(), CallFilter{}), names);
    FlameTree d = diffFlames(t, t);
    EXPECT_EQ(d.nodes.size(), t.nodes.size());
    for (const FlameTree::Node& n : d.nodes) {
        EXPECT_EQ(n.before, n.total);
        EXPECT_EQ(n.beforeSelf, n.self);
    }
}

}  // namespace
}  // namespace kestrel
