#include "driver/reader/param_table.h"

#include <array>

namespace peregrine::driver {
namespace {

// One ParamInfo array per event, expanded from the schema's PEREGRINE_PARAMS_<NAME> lists.
#define PEREGRINE_PARAM_INFO(n, t, f, a, x) \
  ParamInfo{#n, ParamType(PEREGRINE_PT_##t), PEREGRINE_FETCH_##f, a, x},
#define PEREGRINE_PARAM_ARRAY(NAME, name, code, rn, rt) \
  constexpr ParamInfo k_##name##_params[] = {PEREGRINE_PARAMS_##NAME(PEREGRINE_PARAM_INFO)};
PEREGRINE_EVENTS(PEREGRINE_PARAM_ARRAY)
#undef PEREGRINE_PARAM_ARRAY
#undef PEREGRINE_PARAM_INFO

#define PEREGRINE_EVENT_INFO(NAME, name, code, rn, rt) \
  EventInfo{code, #name, #rn, ParamType(PEREGRINE_PT_##rt), k_##name##_params},
constexpr EventInfo kEvents[] = {PEREGRINE_EVENTS(PEREGRINE_EVENT_INFO)};
#undef PEREGRINE_EVENT_INFO

constexpr bool sorted_and_bounded() {
  for (size_t i = 0; i < std::size(kEvents); ++i) {
    if (kEvents[i].params.size() > PEREGRINE_MAX_PARAMS) return false;
    if (i > 0 && kEvents[i - 1].type >= kEvents[i].type) return false;
  }
  return true;
}
static_assert(sorted_and_bounded(), "PEREGRINE_EVENTS must be in code order, <= MAX_PARAMS each");

// event_info() runs for every record and every parameter read by name: a direct index by
// code instead of a search. Codes run to PEREGRINE_EVT_PROCEXIT; -1 marks a code not emitted.
constexpr uint16_t kCodeSlots = std::size(kEvents) == 0 ? 1 : kEvents[std::size(kEvents) - 1].type + 1;
constexpr auto kIndexByCode = [] {
  std::array<int16_t, kCodeSlots> index{};
  index.fill(-1);
  for (size_t i = 0; i < std::size(kEvents); ++i) index[kEvents[i].type] = static_cast<int16_t>(i);
  return index;
}();

}  // namespace

std::string_view type_name(ParamType type) {
  switch (type) {
    case ParamType::kNone: return "NONE";
    case ParamType::kS64: return "S64";
    case ParamType::kU64: return "U64";
    case ParamType::kS32: return "S32";
    case ParamType::kU32: return "U32";
    case ParamType::kFd: return "FD";
    case ParamType::kPid: return "PID";
    case ParamType::kUid: return "UID";
    case ParamType::kGid: return "GID";
    case ParamType::kFlags32: return "FLAGS32";
    case ParamType::kFlags64: return "FLAGS64";
    case ParamType::kMode: return "MODE";
    case ParamType::kSignal: return "SIGNAL";
    case ParamType::kString: return "STRING";
    case ParamType::kFsPath: return "FSPATH";
    case ParamType::kBytes: return "BYTES";
    case ParamType::kSockaddr: return "SOCKADDR";
    case ParamType::kSockTuple: return "SOCKTUPLE";
    case ParamType::kStrArray: return "STRARRAY";
  }
  return "?";
}

const EventInfo* event_info(uint16_t type) {
  if (type >= kCodeSlots || kIndexByCode[type] < 0) return nullptr;
  return &kEvents[kIndexByCode[type]];
}

const ParamInfo* param_info(uint16_t type, uint32_t i) {
  const EventInfo* info = event_info(type);
  if (info == nullptr || i >= info->params.size()) return nullptr;
  return &info->params[i];
}

int param_index(uint16_t type, std::string_view name) {
  const EventInfo* info = event_info(type);
  if (info == nullptr) return -1;
  for (size_t i = 0; i < info->params.size(); ++i) {
    if (info->params[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::span<const EventInfo> all_events() { return kEvents; }

}  // namespace peregrine::driver
