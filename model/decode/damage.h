#pragma once
// What a pass over a trace could not read: a frame whose bytes do not decompress or fail
// their checksum, or a page that does not decode. Every pass (the cursor, scans, the
// analyses, conversion) skips such a piece, goes on with the next one and notes it
// here, so that each command and the window can say how much was skipped and where,
// and all passes skip the same data. Thread-safe; each piece is kept once.
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kestrel {

struct Damage {
    static constexpr uint32_t kWholeFrame = ~0u;
    uint32_t frame = 0;             // index into the source's frames
    uint32_t cpu = 0;               // global CPU index
    uint64_t offset = 0;            // file offset of the frame
    uint32_t page = kWholeFrame;    // byte offset of the bad page in the frame, or the frame
    uint64_t bytes = 0;             // uncompressed bytes skipped
    uint64_t events = ~0ull;        // events skipped when the index counts them, else ~0
    uint64_t from = ~0ull, to = 0;  // trace time the skipped piece covers, when known
    std::string reason;
};

class DamageLog {
public:
    // False when this piece was noted before (by this pass or another).
    bool note(Damage damage);
    std::vector<Damage> all() const;  // sorted by frame, then page
    bool empty() const;

private:
    mutable std::mutex m_mutex;
    std::set<std::pair<uint32_t, uint32_t>> m_seen;
    std::vector<Damage> m_items;
};

}  // namespace kestrel
