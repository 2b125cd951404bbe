#include "window/open_error.h"

#include <sys/stat.h>

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <cerrno>
#include <cstring>

namespace kestrel {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("OpenError", text);
}

OpenFailure failure(const QString& path, const QString& problem, const QString& details = {}) {
    return {tr("Cannot open %1: %2.").arg(path, problem), details, false};
}

// The reader's message without the path it starts with.
QString withoutPath(const QString& path, const QString& error) {
    const QString prefix = path + QStringLiteral(": ");
    return error.startsWith(prefix) ? error.mid(prefix.size()) : error;
}

bool mentions(const QString& text, std::initializer_list<const char*> parts) {
    for (const char* part : parts) {
        if (text.contains(QLatin1String(part), Qt::CaseInsensitive)) return true;
    }
    return false;
}

// The problem in words, from the reader's message (model/decode/open_trace.cpp,
// model/ktr/ktr_reader.cpp, model/import/tracedat_*.cpp word them).
QString problemOf(const QString& technical) {
    static const QRegularExpression cannotOpen(QStringLiteral("cannot (?:open|stat): (.*)$"));
    if (auto m = cannotOpen.match(technical); m.hasMatch())
        return tr("it cannot be read (%1)").arg(m.captured(1).toLower());
    if (mentions(technical, {"is a directory"})) return tr("it is a folder, not a trace file");
    if (mentions(technical, {"not a regular file"}))
        return tr("it is not a regular file (a device, FIFO or socket), so it cannot be a trace");
    if (mentions(technical, {"too short to be a trace"}))
        return tr("the file is too short to be a trace");
    if (mentions(technical, {"not a .ktr", "bad magic", "expected magic"}))
        return tr(
            "it is not a trace Kestrel reads (a .ktr file, or a trace.dat of trace-cmd, "
            "versions 6 and 7)");
    if (mentions(technical, {"newer Kestrel"}))
        return tr("it was written by a newer version of Kestrel");
    if (mentions(technical, {"latency (ASCII)"}))
        return tr("it is a latency-format (text) trace.dat, which Kestrel does not read");
    if (mentions(technical, {"file ends", "range ends", "truncated", "header cut", "no footer",
                             "unexpected end of file", "file too short"}))
        return tr(
            "the file ends before its header and metadata are complete: it was probably "
            "cut short while being copied or recorded");
    if (mentions(technical, {"CRC mismatch", "zstd", "zlib", "decompress"}))
        return tr(
            "its header or metadata is damaged (a block does not decompress or fails its "
            "checksum)");
    if (mentions(technical, {"read failed", "reading "}))
        return tr("reading the file failed (a disk or network problem?)");
    return tr("its header or metadata is damaged, or in a form Kestrel does not know");
}

}  // namespace

std::optional<OpenFailure> checkOpenable(const QString& path) {
    if (path.isEmpty()) return failure(QStringLiteral("\"\""), tr("no file was named"));
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        if (errno == ENOENT) {
            OpenFailure f = failure(path, tr("there is no such file"));
            f.missing = true;
            return f;
        }
        return failure(path, tr("it cannot be read (%1)")
                                 .arg(QString::fromLocal8Bit(std::strerror(errno)).toLower()));
    }
    if (S_ISDIR(st.st_mode)) return failure(path, tr("it is a folder, not a trace file"));
    if (!S_ISREG(st.st_mode))
        return failure(path, tr("it is not a regular file (a device, FIFO or socket), so it "
                                "cannot be a trace"));
    return std::nullopt;
}

OpenFailure describeOpenFailure(const QString& path, const QString& error) {
    const QString technical = withoutPath(path, error);
    return failure(path, problemOf(technical), technical);
}

}  // namespace kestrel
