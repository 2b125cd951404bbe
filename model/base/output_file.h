#pragma once
// An output file written beside its final name and renamed over it once complete: a
// writer that fails (or dies) leaves whatever was at the output path as it was, and
// removes nothing but the temporary file it created itself.
//
// - The output may be a new name or an existing regular file. An existing symlink is
//   followed: the file it names is replaced, the link stays. A directory, device, FIFO or
//   socket is refused before anything is created.
// - The temporary file is DIR/.NAME.XXXXXX in the directory of the file finally written
//   (rename() does not cross file systems), created with O_EXCL; it takes the permission
//   bits of the file it replaces (new files: 0644 less the umask).
// - commit() closes it and renames it over the output; destroying the object before
//   commit() unlinks the temporary file.
#include <memory>
#include <string>

#include "base/status.h"

namespace kestrel {

class OutputFile {
public:
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    static Result<std::unique_ptr<OutputFile>> create(const std::string& path);
    // True when both name one existing file (same device and inode once symlinks are
    // followed): ./x, a hard link or a symlink to x are all x.
    static bool sameFile(const std::string& a, const std::string& b);

    int fd() const { return m_fd; }
    const std::string& path() const { return m_path; }
    const std::string& tempPath() const { return m_temp; }
    // Closes the temporary file and renames it over the output. The caller flushes to
    // disk first what must survive a crash.
    Status commit();

private:
    explicit OutputFile(std::string path) : m_path(std::move(path)) {}
    void discard();

    std::string m_path;    // as given, for messages
    std::string m_target;  // the file replaced: m_path with symlinks followed
    std::string m_temp;
    int m_fd = -1;
};

}  // namespace kestrel
