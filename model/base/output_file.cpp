#include "base/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <random>

namespace kestrel {
namespace {

std::string directoryOf(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string nameOf(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

const char* kindOf(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "an unknown kind of file";
}

// `path` with its symlinks followed to the name they finally lead to, which need not
// exist yet (open(O_CREAT) would create the file there too).
Result<std::string> followLinks(std::string path) {
    for (int hops = 0; hops < 40; ++hops) {  // the kernel's limit before ELOOP
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
        char to[PATH_MAX];
        ssize_t n = ::readlink(path.c_str(), to, sizeof to);
        if (n < 0) return Status::error(std::string("readlink: ") + std::strerror(errno));
        std::string link(to, static_cast<size_t>(n));
        path = link.front() == '/' ? link : directoryOf(path) + "/" + link;
    }
    return Status::error(std::strerror(ELOOP));
}

std::string randomSuffix() {
    static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    thread_local std::mt19937 gen(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    std::uniform_int_distribution<size_t> pick(0, sizeof kChars - 2);
    std::string s(6, ' ');
    for (char& c : s) c = kChars[pick(gen)];
    return s;
}

}  // namespace

OutputFile::~OutputFile() {
    discard();
}

Result<std::unique_ptr<OutputFile>> OutputFile::create(const std::string& path) {
    std::unique_ptr<OutputFile> out(new OutputFile(path));
    auto target = followLinks(path);
    if (!target) return Status::error(path + ": " + target.message());
    out->m_target = *target;
    std::string name = nameOf(out->m_target);
    if (name.empty() || name == "." || name == "..")
        return Status::error(path + ": not a regular file (a directory)");
    struct stat st {};
    bool replacing = ::stat(out->m_target.c_str(), &st) == 0;
    if (replacing && !S_ISREG(st.st_mode)) {
        return Status::error(path + ": not a regular file (" + kindOf(st.st_mode) +
                             "); the output must be a regular file or a new name");
    }
    std::string prefix = directoryOf(out->m_target) + "/." + name + ".";
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string temp = prefix + randomSuffix();
        int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST) continue;
        if (fd < 0) return Status::error(path + ": cannot create: " + std::strerror(errno));
        out->m_fd = fd;
        out->m_temp = temp;
        if (replacing) (void)::fchmod(fd, st.st_mode & 07777);
        return out;
    }
    return Status::error(path + ": cannot create: no free temporary name " + prefix + "XXXXXX");
}

bool OutputFile::sameFile(const std::string& a, const std::string& b) {
    struct stat sa {
    }, sb{};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

Status OutputFile::commit() {
    if (m_fd < 0) return Status::error(m_path + ": nothing to commit");
    int fd = m_fd;
    m_fd = -1;
    Status result;
    if (::close(fd) != 0)
        result = Status::error(m_path + ": close: " + std::strerror(errno));
    else if (::rename(m_temp.c_str(), m_target.c_str()) != 0)
        result = Status::error(m_path + ": cannot replace: " + std::strerror(errno));
    else
        m_temp.clear();  // it is the output now
    discard();
    return result;
}

void OutputFile::discard() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
    m_temp.clear();
}

}  // namespace kestrel
