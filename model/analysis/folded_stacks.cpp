#include "analysis/folded_stacks.h"

#include <algorithm>
#include <unordered_map>

namespace kestrel {
namespace {

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
        auto [it, added] = m_children.try_emplace(key, static_cast<uint32_t>(m_out.nodes.size()));
        if (added) m_out.nodes.push_back({parent, function, 0, 0, 0});
        return it->second;
    }

    const CallTrees& m_trees;
    const CallFilter& m_filter;
    CallPathTree& m_out;
    std::vector<Frame> m_stack;
    std::unordered_map<uint64_t, uint32_t> m_children;
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
