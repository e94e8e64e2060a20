#pragma once
// One Kubernetes API audit event (`audit.k8s.io/v1` or `v1beta1` `Event`) as the k8s_audit
// source evaluates it, and the readers that turn webhook payloads and replay files into events.
//
// A payload is parsed once (simdjson's DOM) and the events of one payload share the parsed
// document; field values are views into it, valid as long as any event of the payload lives
// (copying or moving an AuditEvent keeps them valid). Readers never throw: bad input is an
// Error naming what is wrong and, for files, on which line. Events are immutable once made, so
// several threads may read one.

#include <cstdint>
#include <istream>
#include <memory>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "common/result.h"
#include "engine/event/event.h"
#include "engine/sources/k8s_audit/json_access.h"

namespace peregrine::engine {

struct AuditEvent : Event {
  // The parsed payload the event came in, shared by every event of that payload.
  std::shared_ptr<const simdjson::dom::document> payload;
  k8s_audit::JsonValue json;  // the audit Event object inside `payload`

  // The event's auditID (a reader only makes events that have a string one) and its stage
  // ("" when absent or not a string).
  std::string_view audit_id() const { return json["auditID"].string().value_or(""); }
  std::string_view stage() const { return json["stage"].string().value_or(""); }
};

// Deepest JSON nesting a payload may have. Kubernetes objects nest a few dozen levels at most;
// the cap keeps hostile input from exhausting the stack of code that walks the document
// recursively (serialising it for `jevt.obj`, for one).
inline constexpr size_t kMaxAuditJsonDepth = 256;

// Wraps one audit Event object. Only `auditID` is required (as Falco's plugin, which ignores
// JSON without it); every other key is optional because extractors treat absence as "no value".
// Sets type 0, num, and timestamp_ns from `stageTimestamp`, else `requestReceivedTimestamp`,
// else 0. Errors: the value is not an object, or has no string `auditID`. Re-parses the
// serialised value, so it is for tests and tools, not for the intake path.
Result<AuditEvent> make_audit_event(const nlohmann::json& doc, uint64_t num);

// Parses a webhook body or log record: an `Event`, or an `EventList` whose `items` are Events.
// `kind` and `apiVersion` may be absent (an object with `items` is then a list); when present,
// kind must be Event or EventList and apiVersion in the `audit.k8s.io` group. Events are numbered
// from `first_num` in payload order. A UTF-8 byte order mark before the JSON is skipped.
Result<std::vector<AuditEvent>> parse_audit_payload(std::string_view json_text,
                                                    uint64_t first_num = 1);

// Reads JSON lines, as `peregrine replay --source k8s_audit` does: each non-blank line is one
// Event or EventList. Events are numbered from `first_num` across the whole stream. The first bad
// line stops reading; its error starts with "line N: ".
Result<std::vector<AuditEvent>> read_audit_lines(std::istream& in, uint64_t first_num = 1);

}  // namespace peregrine::engine
