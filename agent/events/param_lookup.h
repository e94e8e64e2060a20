#pragma once
// Finding a record's parameter by name, as RawEventView::index_of does, without comparing
// names on every call: the builder asks for the same few (type, name) pairs millions of times.
// Names must be string literals (or otherwise outlive the program): a pair is remembered by
// the address of its name.
//
// Not thread-safe: the cache is per thread (thread_local).

#include <cstdint>
#include <string_view>

#include "driver/reader/event_view.h"

namespace peregrine::agent {

// The index of parameter `name` in `raw`, or -1 when its schema or the record lacks it.
int param_index_of(const driver::RawEventView& raw, std::string_view name);

}  // namespace peregrine::agent
