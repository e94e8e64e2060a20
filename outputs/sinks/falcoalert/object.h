#pragma once
// The FalcoAlert object the writer stores (crds/peregrine.dev_falcoalerts.yaml): the record is
// in spec (rule, priority, source, node, namespace, pod, container, containerId, tags, count,
// firstSeen, lastSeen, sampleOutput, sampleFields); values are cut to the schema's limits so
// that no alert can make the API refuse its object.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "outputs/sinks/falcoalert/aggregator.h"

namespace peregrine::outputs::falcoalert {

inline constexpr const char* kGroup = "peregrine.dev";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kResource = "falcoalerts";
// The annotation prefix under which each writer records its last applied write (writer.h).
inline constexpr const char* kWriterMarkPrefix = "peregrine.dev/writer-";

// RFC 3339 UTC with seconds, as firstSeen and lastSeen are stored ("2026-11-22T18:00:00Z").
std::string rfc3339_seconds(uint64_t time_ns);

// The spec fields a write sets besides count, firstSeen and lastSeen: the key's fields and the
// latest sample.
nlohmann::json sample_spec(const Entry& entry, const Due& due);

// A whole new object (for create) with `count` events.
nlohmann::json new_object(const Entry& entry, const Due& due, const std::string& ns, uint64_t count);

}  // namespace peregrine::outputs::falcoalert
