#pragma once
// EventFormats instances for worker threads. libtraceevent is not thread-safe for
// printing (plugins and the comm list keep state), so each worker of a parallel pass
// borrows an instance of its own. Creating one parses every format and kallsyms, so
// instances are kept for the next pass instead of being rebuilt.
#include <memory>
#include <mutex>
#include <vector>

#include "base/status.h"
#include "base/trace_meta.h"
#include "formats/event_formats.h"

namespace kestrel {

class FormatsPool {
public:
    // kFields pools serve passes that read fields and names only (index builds, scans):
    // their instances skip kallsyms and plugins, a large part of each instance's memory.
    explicit FormatsPool(const TraceMeta& meta,
                         EventFormats::Use use = EventFormats::Use::kPrinting)
        : m_meta(meta), m_use(use) {}

    // An instance nobody else holds until it is given back (the handle's destructor).
    class Lease {
    public:
        Lease(FormatsPool* pool, std::unique_ptr<EventFormats> f)
            : m_pool(pool), m_formats(std::move(f)) {}
        Lease(Lease&&) = default;
        Lease& operator=(Lease&&) = default;
        ~Lease();
        EventFormats& operator*() const { return *m_formats; }
        EventFormats* operator->() const { return m_formats.get(); }
        EventFormats* get() const { return m_formats.get(); }

    private:
        FormatsPool* m_pool;
        std::unique_ptr<EventFormats> m_formats;
    };

    Result<Lease> acquire();

private:
    const TraceMeta& m_meta;
    EventFormats::Use m_use;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<EventFormats>> m_free;
};

}  // namespace kestrel
