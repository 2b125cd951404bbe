#include "analysis/folded_stacks.h"

#include <algorithm>

namespace kestrel {
namespace {

// Path tree node of (parent node, function), for every call: open addressing with linear
// probing in one array. A node-based std::unordered_map made the lookups the biggest cost
// of ktr flame after the call trees (10 M calls: docs/performance.md).
class ChildMap {
public:
    ChildMap() : m_slots(size_t{1} << m_bits, Slot{kEmpty, 0}) {}

    // The value stored for `key`, or `fresh` once stored when absent; `added` says which.
    uint32_t findOrAdd(uint64_t key, uint32_t fresh, bool& added) {
        for (size_t i = slot(key);; i = (i + 1) & (m_slots.size() - 1)) {
            Slot& s = m_slots[i];
            if (s.key == key) {
                added = false;
                return s.value;
            }
            if (s.key == kEmpty) {
                s = {key, fresh};
                added = true;
                if (++m_count * 2 > m_slots.size()) grow();
                return fresh;
            }
        }
    }

private:
    struct Slot {
        uint64_t key;
        uint32_t value;
    };
    // No key has it: parent and function are both below 2^32 - 1.
    static constexpr uint64_t kEmpty = ~uint64_t{0};

    size_t slot(uint64_t key) const {  // Fibonacci hashing: the top bits of the product
        return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> (64 - m_bits));
    }

    void grow() {
        std::vector<Slot> old(size_t{1} << ++m_bits, Slot{kEmpty, 0});
        old.swap(m_slots);
        for (const Slot& s : old) {
            if (s.key == kEmpty) continue;
            size_t i = slot(s.key);
            while (m_slots[i].key != kEmpty) i = (i + 1) & (m_slots.size() - 1);
            m_slots[i] = s;
        }
    }

    unsigned m_bits = 10;
    size_t m_count = 0;
    std::vector<Slot> m_slots;
};

class PathBuilder {
public:
    PathBuilder(const CallTrees& trees, const CallFilter& filter, CallPathTree& out)
        : m_trees(trees), m_filter(filter), m_out(out) {}

    void lane(const CallLane& lane) {
        const uint64_t last = lane.first + lane.count;
        uint64_t i = lane.first;
        while (i < last) {
            const CallSpan& s = m_trees.spans[i];
            unwind(s.depth);
            uint64_t clipped = overlap(s);
            if (clipped == 0) {  // outside the range (or no time): so are its callees
                i = m_trees.subtreeEnd(i, lane);
                continue;
            }
            uint32_t parent = m_stack.empty() ? 0 : m_stack.back().node;
            m_stack.push_back({s.depth, child(parent, s.function), clipped, 0, counts(s)});
            ++i;
        }
        unwind(-1);
    }

private:
    struct Frame {
        int depth;
        uint32_t node;
        uint64_t clipped;
        uint64_t callees;
        bool counted;
    };

    // Closes the open calls at `depth` or deeper: their callees are all known now.
    void unwind(int depth) {
        while (!m_stack.empty() && m_stack.back().depth >= depth) {
            Frame f = m_stack.back();
            m_stack.pop_back();
            if (!m_stack.empty()) m_stack.back().callees += f.clipped;
            if (!f.counted || f.clipped == 0) continue;
            CallPathTree::Node& n = m_out.nodes[f.node];
            n.self += f.clipped > f.callees ? f.clipped - f.callees : 0;
            n.total += f.clipped;
            ++n.calls;
        }
    }

    uint64_t overlap(const CallSpan& s) const {
        uint64_t lo = std::max(s.start, m_filter.from);
        uint64_t hi = std::min(s.end(), m_filter.to == kUnknownTime ? s.end() : m_filter.to);
        return hi > lo ? hi - lo : 0;
    }

    bool counts(const CallSpan& s) const {
        if ((s.flags & CallSpan::kNoExit) && !m_filter.unexited) return false;
        return m_filter.cpus.empty() || (s.cpu < m_filter.cpus.size() && m_filter.cpus[s.cpu]);
    }

    uint32_t child(uint32_t parent, uint32_t function) {
        uint64_t key = (static_cast<uint64_t>(parent) << 32) | function;
        bool added = false;
        uint32_t node = m_children.findOrAdd(key, static_cast<uint32_t>(m_out.nodes.size()), added);
        if (added) m_out.nodes.push_back({parent, function, 0, 0, 0});
        return node;
    }

    const CallTrees& m_trees;
    const CallFilter& m_filter;
    CallPathTree& m_out;
    std::vector<Frame> m_stack;
    ChildMap m_children;
};

}  // namespace

CallPathTree aggregateCalls(const CallTrees& trees, const CallFilter& filter) {
    CallPathTree out;
    PathBuilder builder(trees, filter, out);
    for (const CallLane& lane : trees.lanes) {
        if (!filter.pids.empty() &&
            std::find(filter.pids.begin(), filter.pids.end(), lane.pid) == filter.pids.end()) {
            continue;
        }
        builder.lane(lane);
    }
    return out;
}

std::vector<FoldedLine> foldedLines(const CallPathTree& tree, const CallTrees& trees,
                                    const EventFormats& formats) {
    std::vector<std::string> names(trees.functions.size());
    for (uint32_t f = 0; f < names.size(); ++f) names[f] = trees.functionName(f, formats);
    std::vector<FoldedLine> lines;
    std::vector<uint32_t> chain;
    for (uint32_t n = 1; n < tree.nodes.size(); ++n) {
        if (tree.nodes[n].self == 0) continue;
        chain.clear();
        for (uint32_t at = n; at != 0; at = tree.nodes[at].parent) chain.push_back(at);
        FoldedLine line;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            if (!line.stack.empty()) line.stack += ';';
            line.stack += names[tree.nodes[*it].function];
        }
        line.value = tree.nodes[n].self;
        lines.push_back(std::move(line));
    }
    std::sort(lines.begin(), lines.end(),
              [](const FoldedLine& a, const FoldedLine& b) { return a.stack < b.stack; });
    return lines;
}

}  // namespace kestrel
