#pragma once
// Fields every source has (`evt.time`, `evt.hostname`, `evt.source`, ...). Each source's
// registry starts with these, so ids below kGenericFieldCount are always generic and a source's
// extractor hands them to extract_generic_field() first.

#include <string_view>
#include <vector>

#include "engine/event/event.h"
#include "engine/fields/field_registry.h"
#include "engine/values/extraction.h"

namespace peregrine::engine {

enum GenericField : uint32_t {
  kEvtTime,
  kEvtTimeS,
  kEvtTimeIso8601,
  kEvtDatetime,
  kEvtRawtime,
  kEvtRawtimeS,
  kEvtRawtimeNs,
  kEvtNum,
  kEvtHostname,
  kEvtSource,
  kGenericFieldCount,
};

// The generic fields, in GenericField order, for a source to put first in its registry.
std::vector<FieldInfo> generic_fields();

// Extracts a generic field (field.info->id < kGenericFieldCount).
bool extract_generic_field(const Event& event, const FieldRef& field, std::string_view source,
                           std::string_view hostname, Extraction& out);

}  // namespace peregrine::engine
