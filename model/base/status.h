#pragma once
// Errors are returned values: a message that names the file, the offset and what was
// expected. Exceptions never cross module boundaries.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace kestrel {

class Status {
public:
    Status() = default;
    static Status error(std::string message) { return Status(std::move(message)); }
    bool ok() const { return !m_message.has_value(); }
    explicit operator bool() const { return ok(); }
    const std::string& message() const { return *m_message; }

private:
    explicit Status(std::string message) : m_message(std::move(message)) {}
    std::optional<std::string> m_message;
};

template <class T>
class Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Status error) : m_value(std::move(error)) {}
    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_value); }
    const T& value() const { return std::get<0>(m_value); }
    T& operator*() { return value(); }
    T* operator->() { return &value(); }
    const Status& status() const { return std::get<1>(m_value); }
    const std::string& message() const { return status().message(); }

private:
    std::variant<T, Status> m_value;
};

// "FILE: offset N: WHAT" — the one shape every decoding error takes.
std::string errorAt(const std::string& file, unsigned long long offset, const std::string& what);

}  // namespace kestrel
