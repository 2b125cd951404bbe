#include "analysis/flame_tree.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace kestrel {
namespace {

// Collects frames in any order, keyed by (parent, name); finish() lays them out.
class FlameBuilder {
public:
    uint32_t intern(std::string_view name) {
        auto [it, added] =
            m_names.try_emplace(std::string(name), static_cast<uint32_t>(m_tree.names.size()));
        if (added) m_tree.names.emplace_back(name);
        return it->second;
    }

    uint32_t child(uint32_t parent, uint32_t name) {
        const uint64_t key = (static_cast<uint64_t>(parent) << 32) | name;
        auto [it, added] = m_children.try_emplace(key, static_cast<uint32_t>(m_tree.nodes.size()));
        if (added) {
            FlameTree::Node n;
            n.parent = parent;
            n.name = name;
            m_tree.nodes.push_back(n);
        }
        return it->second;
    }

    FlameTree::Node& node(uint32_t n) { return m_tree.nodes[n]; }

    FlameTree finish(bool diff);

private:
    void coverChildren();
    FlameTree m_tree;
    std::unordered_map<std::string, uint32_t> m_names;
    std::unordered_map<uint64_t, uint32_t> m_children;
};

// A frame is at least as wide as its callees together: a call without a measured time
// (no exit), or one left out by the CPU filter, still holds the calls under it.
void FlameBuilder::coverChildren() {
    std::vector<FlameTree::Node>& nodes = m_tree.nodes;
    std::vector<uint64_t> after(nodes.size()), before(nodes.size());
    for (size_t i = nodes.size(); i-- > 1;) {  // children were added after their parents
        FlameTree::Node& n = nodes[i];
        n.total = std::max(n.total, after[i]);
        n.before = std::max(n.before, before[i]);
        after[n.parent] += n.total;
        before[n.parent] += n.before;
    }
    nodes[0].total = std::max(nodes[0].total, after[0]);
    nodes[0].before = std::max(nodes[0].before, before[0]);
}

// Renumbers breadth first so that each node's children are consecutive, widest first
// (then by name, so equal frames keep one order in every tree).
FlameTree FlameBuilder::finish(bool diff) {
    coverChildren();
    FlameTree& in = m_tree;
    in.diff = diff;
    std::vector<std::vector<uint32_t>> kids(in.nodes.size());
    for (uint32_t i = 1; i < in.nodes.size(); ++i) kids[in.nodes[i].parent].push_back(i);
    FlameTree out;
    out.diff = diff;
    out.names = std::move(in.names);
    out.nodes.clear();
    out.nodes.reserve(in.nodes.size());
    std::vector<uint32_t> order{0};  // old ids in the new order
    out.nodes.push_back(in.nodes[0]);
    for (uint32_t at = 0; at < order.size(); ++at) {
        std::vector<uint32_t>& list = kids[order[at]];
        std::sort(list.begin(), list.end(), [&](uint32_t a, uint32_t b) {
            uint64_t wa = in.width(a), wb = in.width(b);
            if (wa != wb) return wa > wb;
            return out.names[in.nodes[a].name] < out.names[in.nodes[b].name];
        });
        out.nodes[at].firstChild = static_cast<uint32_t>(order.size());
        out.nodes[at].children = static_cast<uint32_t>(list.size());
        for (uint32_t old : list) {
            FlameTree::Node n = in.nodes[old];
            n.parent = at;
            n.depth = out.nodes[at].depth + 1;
            out.maxDepth = std::max(out.maxDepth, n.depth);
            order.push_back(old);
            out.nodes.push_back(n);
        }
        std::vector<uint32_t>().swap(list);
    }
    return out;
}

}  // namespace

std::vector<uint32_t> FlameTree::path(uint32_t node) const {
    std::vector<uint32_t> out;
    for (uint32_t at = node; at != 0; at = nodes[at].parent) out.push_back(at);
    out.push_back(0);
    std::reverse(out.begin(), out.end());
    return out;
}

FlameTree flameFromCallPaths(const CallPathTree& paths, const std::vector<std::string>& names) {
    FlameBuilder b;
    std::vector<uint32_t> nameOf(names.size());
    for (size_t f = 0; f < names.size(); ++f) nameOf[f] = b.intern(names[f]);
    std::vector<uint32_t> map(paths.nodes.size(), 0);
    for (uint32_t i = 1; i < paths.nodes.size(); ++i) {  // a path node follows its parent
        const CallPathTree::Node& p = paths.nodes[i];
        map[i] = b.child(map[p.parent], nameOf[p.function]);
        FlameTree::Node& n = b.node(map[i]);
        n.self += p.self;
        n.total += p.total;
        n.count += p.calls;
        if (p.parent == 0) b.node(0).count += p.calls;  // the root counts the outermost calls
    }
    return b.finish(false);
}

FlameTree flameFromFolded(const std::vector<FoldedLine>& lines) {
    FlameBuilder b;
    for (const FoldedLine& line : lines) {
        std::string_view rest = line.stack;
        uint32_t at = 0;
        while (!rest.empty()) {
            size_t semi = rest.find(';');
            at = b.child(at, b.intern(rest.substr(0, semi)));
            b.node(at).total += line.value;
            b.node(at).count += line.value;
            rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        }
        b.node(at).self += line.value;
        b.node(0).total += line.value;
        b.node(0).count += line.value;
    }
    return b.finish(false);
}

FlameTree diffFlames(const FlameTree& before, const FlameTree& after) {
    FlameBuilder b;
    std::vector<uint32_t> map(before.nodes.size(), 0);
    for (uint32_t i = 1; i < before.nodes.size(); ++i) {
        const FlameTree::Node& p = before.nodes[i];
        map[i] = b.child(map[p.parent], b.intern(before.names[p.name]));
        b.node(map[i]).before = p.total;
        b.node(map[i]).beforeSelf = p.self;
    }
    b.node(0).before = before.nodes[0].total;
    map.assign(after.nodes.size(), 0);
    for (uint32_t i = 1; i < after.nodes.size(); ++i) {
        const FlameTree::Node& p = after.nodes[i];
        map[i] = b.child(map[p.parent], b.intern(after.names[p.name]));
        FlameTree::Node& n = b.node(map[i]);
        n.total = p.total;
        n.self = p.self;
        n.count = p.count;
    }
    b.node(0).total = after.nodes[0].total;
    b.node(0).count = after.nodes[0].count;
    return b.finish(true);
}

std::vector<bool> namesContaining(const FlameTree& tree, const std::string& text) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    std::string needle(text.size(), '\0');
    std::transform(text.begin(), text.end(), needle.begin(), lower);
    std::vector<bool> out(tree.names.size(), false);
    if (needle.empty()) return out;
    std::string hay;
    for (size_t i = 0; i < tree.names.size(); ++i) {
        hay.resize(tree.names[i].size());
        std::transform(tree.names[i].begin(), tree.names[i].end(), hay.begin(), lower);
        out[i] = hay.find(needle) != std::string::npos;
    }
    return out;
}

uint64_t matchedTotal(const FlameTree& tree, const std::vector<bool>& nameMatches) {
    uint64_t sum = 0;
    std::vector<uint32_t> todo{0};
    while (!todo.empty()) {
        const FlameTree::Node& n = tree.nodes[todo.back()];
        const bool isRoot = todo.back() == 0;
        todo.pop_back();
        if (!isRoot && n.name < nameMatches.size() && nameMatches[n.name]) {
            sum += n.total;
            continue;
        }
        for (uint32_t c = 0; c < n.children; ++c) todo.push_back(n.firstChild + c);
    }
    return sum;
}

}  // namespace kestrel
