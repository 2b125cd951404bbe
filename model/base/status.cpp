#include "base/status.h"

namespace kestrel {

std::string errorAt(const std::string& file, unsigned long long offset, const std::string& what) {
    return file + ": offset " + std::to_string(offset) + ": " + what;
}

}  // namespace kestrel
