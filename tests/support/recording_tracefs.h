#pragma once
// Tests that record on the running kernel need root and a tracefs (mounted here when it is
// missing); anywhere else they skip, saying why.
#include <unistd.h>

#include "base/status.h"
#include "tracefs.h"

namespace kestrel::test {

// The tracefs to record with, or the reason these tests cannot record here.
inline Result<Tracefs> recordingTracefs() {
    if (geteuid() != 0) return Status::error("recording needs root (tracefs instances)");
    auto located = Tracefs::locate(true);
    if (!located) return Status::error("tracefs cannot be mounted here: " + located.message());
    return located;
}

}  // namespace kestrel::test
