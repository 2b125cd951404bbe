#pragma once
// One CPU's figures of a running recording, as the record dialog shows them.
#include <QtGlobal>

namespace kestrel {

struct RecordCpuFigures {
    int cpu = 0;
    quint64 events = 0, rawBytes = 0, compressedBytes = 0, lost = 0;
};

}  // namespace kestrel
