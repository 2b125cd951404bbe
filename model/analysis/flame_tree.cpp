#include "analysis/flame_tree.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace kestrel {
namespace {

// (parent, name) -> node, open addressing in two flat arrays: a std::unordered_map spent
// most of a big tree's build allocating and freeing its nodes.
class ChildIndex {
public:
    void reserve(size_t n) {
        size_t cap = 16;
        while (cap < n * 2) cap *= 2;
        if (cap > m_keys.size()) rehash(cap);
    }
    // The node stored for `key`, else `added` stored and returned.
    uint32_t findOrAdd(uint64_t key, uint32_t added) {
        if ((m_size + 1) * 2 > m_keys.size()) rehash(std::max<size_t>(16, m_keys.size() * 2));
        size_t at = slot(key);
        while (m_values[at] != kEmpty) {
            if (m_keys[at] == key) return m_values[at];
            at = (at + 1) & (m_keys.size() - 1);
        }
        m_keys[at] = key;
        m_values[at] = added;
        ++m_size;
        return added;
    }

private:
    static constexpr uint32_t kEmpty = UINT32_MAX;
    size_t slot(uint64_t key) const {
        return (key * 0x9E3779B97F4A7C15ull >> 20) & (m_keys.size() - 1);  // Fibonacci hash
    }
    void rehash(size_t cap) {
        std::vector<uint64_t> keys(cap);
        std::vector<uint32_t> values(cap, kEmpty);
        m_keys.swap(keys);
        m_values.swap(values);
        for (size_t i = 0; i < keys.size(); ++i) {
            if (values[i] == kEmpty) continue;
            size_t at = slot(keys[i]);
            while (m_values[at] != kEmpty) at = (at + 1) & (m_keys.size() - 1);
            m_keys[at] = keys[i];
            m_values[at] = values[i];
        }
    }
    std::vector<uint64_t> m_keys;
    std::vector<uint32_t> m_values;
    size_t m_size = 0;
};

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
        const uint32_t fresh = static_cast<uint32_t>(m_tree.nodes.size());
        const uint32_t node = m_children.findOrAdd(key, fresh);
        if (node == fresh) {
            FlameTree::Node n;
            n.parent = parent;
            n.name = name;
            m_tree.nodes.push_back(n);
        }
        return node;
    }

    FlameTree::Node& node(uint32_t n) { return m_tree.nodes[n]; }
    void reserve(size_t nodes) {
        m_tree.nodes.reserve(nodes);
        m_children.reserve(nodes);
    }

    FlameTree finish(bool diff);

private:
    void coverChildren();
    FlameTree m_tree;
    std::unordered_map<std::string, uint32_t> m_names;
    ChildIndex m_children;
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
    // Each node's children, by a counting sort on the parent (one array, not one per node).
    const size_t count = in.nodes.size();
    std::vector<uint32_t> first(count + 1, 0), kids(count);
    for (uint32_t i = 1; i < count; ++i) ++first[in.nodes[i].parent + 1];
    for (size_t i = 0; i < count; ++i) first[i + 1] += first[i];
    std::vector<uint32_t> next(first.begin(), first.end() - 1);
    for (uint32_t i = 1; i < count; ++i) kids[next[in.nodes[i].parent]++] = i;
    FlameTree out;
    out.diff = diff;
    out.names = std::move(in.names);
    out.nodes.clear();
    out.nodes.reserve(in.nodes.size());
    std::vector<uint32_t> order{0};  // old ids in the new order
    order.reserve(count);
    out.nodes.push_back(in.nodes[0]);
    for (uint32_t at = 0; at < order.size(); ++at) {
        const auto begin = kids.begin() + first[order[at]],
                   end = kids.begin() + first[order[at] + 1];
        std::sort(begin, end, [&](uint32_t a, uint32_t b) {
            uint64_t wa = in.width(a), wb = in.width(b);
            if (wa != wb) return wa > wb;
            return out.names[in.nodes[a].name] < out.names[in.nodes[b].name];
        });
        out.nodes[at].firstChild = static_cast<uint32_t>(order.size());
        out.nodes[at].children = static_cast<uint32_t>(end - begin);
        for (auto it = begin; it != end; ++it) {
            const uint32_t old = *it;
            FlameTree::Node n = in.nodes[old];
            n.parent = at;
            n.depth = out.nodes[at].depth + 1;
            out.maxDepth = std::max(out.maxDepth, n.depth);
            order.push_back(old);
            out.nodes.push_back(n);
        }
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
    b.reserve(paths.nodes.size());
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
