#pragma once
// What the window says when a file does not open: one sentence for the user that names
// the file and the problem in words, and the reader's own text (offsets, sizes, what it
// expected) kept apart for a "Details" part. The readers' messages are written for
// `ktr` and bug reports; "offset 17000000: expected 2 bytes of section id" tells a user
// of the window nothing about what to do.
#include <QString>
#include <optional>

namespace kestrel {

struct OpenFailure {
    QString summary;       // "Cannot open /t/a.dat: the file ends before ... (cut short)."
    QString details;       // the reader's message without the path; empty when there is none
    bool missing = false;  // no file at that path (a recent entry to forget)
};

// Why `path` cannot be opened before any reader looks at it (no such file, a folder, a
// FIFO...), or nothing when it is a regular file.
std::optional<OpenFailure> checkOpenable(const QString& path);

// `error` is a reader's message ("PATH: offset N: ..."), as TraceModel::open gives it.
OpenFailure describeOpenFailure(const QString& path, const QString& error);

}  // namespace kestrel
