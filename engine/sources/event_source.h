#pragma once
// The one extraction interface through which every event source (syscall, k8s_audit, ...)
// plugs into the engine. Implementations are immutable after construction and safe to call
// from several threads at once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event/event.h"
#include "engine/fields/field_registry.h"
#include "engine/values/extraction.h"

namespace peregrine::engine {

// The names of a source's event types (`evt.type` values) and their codes. Codes are dense in
// [0, size()); the engine sizes its rule index by size().
class EventTypeTable {
 public:
  virtual ~EventTypeTable() = default;
  virtual size_t size() const = 0;
  virtual std::optional<uint16_t> code(std::string_view name) const = 0;
  virtual std::string_view name(uint16_t code) const = 0;  // empty for an unused code
};

// Extracts one field as EventSource::extract does, as a plain function: what a source offers
// (extractor()) for fields whose extraction needs nothing of the source object, so the engine
// calls it per field slot without a virtual call or a dispatch on the field id.
using FieldExtractor = bool (*)(const Event& event, const FieldRef& field, Extraction& out);

class EventSource {
 public:
  virtual ~EventSource() = default;

  virtual std::string_view name() const = 0;  // "syscall", "k8s_audit"
  virtual const FieldRegistry& fields() const = 0;
  // nullptr when the source has no event types (every rule sees every event).
  virtual const EventTypeTable* event_types() const = 0;

  // Fills `out` with the value of `field` for `event` (which is of this source's event type).
  // Returns false, leaving `out` empty, when the event has no value for the field; that is not
  // an error but a "no match" for the check that asked.
  virtual bool extract(const Event& event, const FieldRef& field, Extraction& out) const = 0;

  // A function equivalent to extract() for `field` (resolved against fields()), or nullptr to
  // call extract(). The function must stay valid as long as the process runs.
  virtual FieldExtractor extractor(const FieldRef& field) const {
    (void)field;
    return nullptr;
  }
};

}  // namespace peregrine::engine
