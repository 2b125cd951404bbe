#pragma once
// The tree a flame graph draws: frames keyed by function NAME (not address), so the same
// tree serves function_graph call paths, stack samples and comparisons between traces,
// whose addresses differ between boots. Each node's children are stored together, widest
// first, so a painter can stop at the first child too narrow to draw: the frames after it
// are narrower still.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/folded_stacks.h"

namespace kestrel {

struct FlameTree {
    struct Node {
        uint32_t parent = 0;
        uint32_t name = 0;        // index into names (the root's is meaningless)
        uint32_t firstChild = 0;  // children are nodes [firstChild, firstChild + children)
        uint32_t children = 0;
        uint32_t depth = 0;       // the root is 0
        uint64_t self = 0;        // ns (or samples) in this frame itself
        uint64_t total = 0;       // ns (or samples) in this frame and its callees
        uint64_t count = 0;       // calls (or samples) of this path
        uint64_t before = 0;      // diff trees: the first tree's total (`total` is the second's)
        uint64_t beforeSelf = 0;  // diff trees: the first tree's self
    };
    std::vector<std::string> names;
    std::vector<Node> nodes{Node{}};  // node 0 is the root; parents come before children
    bool diff = false;
    uint32_t maxDepth = 0;

    // The room a frame takes: its total, or in a diff both totals together, so frames
    // found in one tree only get room too and children always fit in their parent.
    uint64_t width(uint32_t node) const {
        const Node& n = nodes[node];
        return diff ? n.total + n.before : n.total;
    }
    const std::string& nameOf(uint32_t node) const { return names[nodes[node].name]; }
    // The nodes from the root down to `node`, both included.
    std::vector<uint32_t> path(uint32_t node) const;
};

// `names[f]` names CallTrees::functions[f]; functions of one name become one frame.
FlameTree flameFromCallPaths(const CallPathTree& paths, const std::vector<std::string>& names);
// Folded lines ("a;b;c value"): each line's value is samples (or ns) of its last frame.
FlameTree flameFromFolded(const std::vector<FoldedLine>& lines);
// Both trees merged by path of names: `total`, `self`, `count` from `after`, `before` and
// `beforeSelf` from `before`; paths found in one tree only hold 0 for the other.
FlameTree diffFlames(const FlameTree& before, const FlameTree& after);

// names[i]: whether name i contains `text`, ignoring ASCII case.
std::vector<bool> namesContaining(const FlameTree& tree, const std::string& text);
// The total of the frames whose name matches, a match under a match counted once (its
// time is already in the outer one's). In a diff tree, the second tree's total.
uint64_t matchedTotal(const FlameTree& tree, const std::vector<bool>& nameMatches);

}  // namespace kestrel
