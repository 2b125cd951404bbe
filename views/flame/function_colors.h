#pragma once
// Colours of functions, the same in the flame chart, the flame graph and the function
// table: warm hues picked by a hash of the name, so a function keeps its colour across
// zoom levels, views, sessions and traces (addresses differ between boots; names do not).
// A kernel symbol's module, "[ext4]" in kallsyms, is no part of the name here, so a
// module's functions do not all share one colour.
#include <QColor>
#include <QString>

namespace kestrel {

QColor functionColor(const QString& name);

// The differential flame graph's colours: red where a path grew, blue where it shrank,
// the stronger the larger the change; `change` is (after - before) / max(before, after)
// in [-1, 1], 0 is white-grey.
QColor growthColor(double change);

}  // namespace kestrel
