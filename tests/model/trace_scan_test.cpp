// ScanTally: the per-worker counts of scanTrace and the sched analysis.
#include "analysis/trace_scan.h"

#include <gtest/gtest.h>

namespace kestrel {
namespace {

// common_pid is an int the kernel fills from current->pid, but a corrupt or hand-made
// page can hold anything: -1 was the value the "no task yet" mark used to collide with.
TEST(ScanTally, CountsAFirstEventWhosePidIsMinusOne) {
    ScanTally tally;
    tally.countEvent(7, -1);
    tally.countEvent(7, -1);
    tally.countEvent(7, 42);
    EXPECT_EQ(tally.eventsByPid().at(-1), 2u);
    EXPECT_EQ(tally.eventsByPid().at(42), 1u);
}

// Workers meet a task's names in any order; the merged table keeps the latest.
TEST(CommTracker, TheLatestNameWinsWhateverTheOrderAndTheWorker) {
    CommTracker a, b, merged;
    a.note(5, "late", 300);
    a.note(5, "early", 100);
    b.note(5, "middle", 200);
    b.note(6, "only", 50);
    merged.merge(b);
    merged.merge(a);
    TaskTable table;
    merged.applyTo(table);
    EXPECT_EQ(table.comm(5), "late");
    EXPECT_EQ(table.comm(6), "only");
}

}  // namespace
}  // namespace kestrel
