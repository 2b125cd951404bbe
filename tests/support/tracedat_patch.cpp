#include "support/tracedat_patch.h"

#include <algorithm>
#include <stdexcept>

#include "base/byte_order.h"

namespace kestrel::test {

std::vector<uint8_t> patchOption(std::vector<uint8_t> bytes, uint16_t id,
                                 const std::string& oldData, uint16_t newId,
                                 const std::vector<uint8_t>& newData) {
    std::vector<uint8_t> pattern(6);
    store16(pattern.data(), id);
    store32(pattern.data() + 2, static_cast<uint32_t>(newData.size()));
    pattern.insert(pattern.end(), oldData.begin(), oldData.end());
    auto at = std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end());
    if (at == bytes.end()) {  // fails the test that asked, naming the option
        throw std::runtime_error("option " + std::to_string(id) + " not found in the fixture");
    }
    store16(&*at, newId);
    std::copy(newData.begin(), newData.end(), at + 6);
    return bytes;
}

std::vector<uint8_t> bytesOf(const std::string& s) {
    return std::vector<uint8_t>(s.begin(), s.end());
}

}  // namespace kestrel::test
