#include "engine/sources/generic_fields.h"

#include "common/time_format.h"

namespace peregrine::engine {

std::vector<FieldInfo> generic_fields() {
  auto f = [](const char* name, FieldType type, const char* desc) {
    FieldInfo i;
    i.name = name;
    i.type = type;
    i.description = desc;
    return i;
  };
  return {
      f("evt.time", FieldType::kString,
        "Time of the event as HH:MM:SS.nanoseconds (UTC), the form Falco's classic output uses."),
      f("evt.time.s", FieldType::kString, "Time of the event as HH:MM:SS (UTC)."),
      f("evt.time.iso8601", FieldType::kString,
        "Time of the event in ISO 8601 / RFC 3339 form with nanoseconds, in UTC."),
      f("evt.datetime", FieldType::kString,
        "Date and time of the event as YYYY/MM/DD HH:MM:SS.nanoseconds (UTC)."),
      f("evt.rawtime", FieldType::kAbsTime, "Time of the event in nanoseconds since the epoch."),
      f("evt.rawtime.s", FieldType::kAbsTime, "Whole seconds part of evt.rawtime."),
      f("evt.rawtime.ns", FieldType::kAbsTime, "Nanoseconds part of evt.rawtime."),
      f("evt.num", FieldType::kUint64, "Sequence number of the event within its stream."),
      f("evt.hostname", FieldType::kString, "Name of the host that saw the event."),
      f("evt.source", FieldType::kString,
        "Name of the event source (syscall, k8s_audit) the event came from."),
  };
}

bool extract_generic_field(const Event& event, const FieldRef& field, std::string_view source,
                           std::string_view hostname, Extraction& out) {
  uint64_t t = event.timestamp_ns;
  switch (static_cast<GenericField>(field.info->id)) {
    case kEvtTime: out.set_owned_string(format_time_of_day(t)); return true;
    case kEvtTimeS: out.set_owned_string(format_time_of_day(t).substr(0, 8)); return true;
    case kEvtTimeIso8601: out.set_owned_string(format_rfc3339_nanos(t)); return true;
    case kEvtDatetime: out.set_owned_string(format_datetime(t)); return true;
    case kEvtRawtime: out.set_uint(t); return true;
    case kEvtRawtimeS: out.set_uint(t / 1000000000ull); return true;
    case kEvtRawtimeNs: out.set_uint(t % 1000000000ull); return true;
    case kEvtNum: out.set_uint(event.num); return true;
    case kEvtHostname: out.set_string(hostname); return true;
    case kEvtSource: out.set_string(source); return true;
    case kGenericFieldCount: break;
  }
  return false;
}

}  // namespace peregrine::engine
