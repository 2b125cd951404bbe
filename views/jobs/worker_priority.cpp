#include "jobs/worker_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kestrel {

void lowerThisThreadPriority() {
    // On Linux a nice value belongs to a thread, and PRIO_PROCESS with a thread id
    // sets that thread's alone. Failure only costs responsiveness, so it is ignored.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    (void)setpriority(PRIO_PROCESS, tid, 10);
}

}  // namespace kestrel
