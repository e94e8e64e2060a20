#include "driver/reader/param_table.h"

#include <algorithm>
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

}  // namespace

uint32_t fixed_width(ParamType type) {
  switch (type) {
    case ParamType::kS64:
    case ParamType::kU64:
    case ParamType::kFd:
    case ParamType::kPid:
    case ParamType::kFlags64:
      return 8;
    case ParamType::kS32:
    case ParamType::kU32:
    case ParamType::kUid:
    case ParamType::kGid:
    case ParamType::kFlags32:
    case ParamType::kMode:
    case ParamType::kSignal:
      return 4;
    default:
      return 0;
  }
}

bool is_signed(ParamType type) {
  return type == ParamType::kS64 || type == ParamType::kS32 || type == ParamType::kFd ||
         type == ParamType::kPid;
}

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
  const auto* it = std::lower_bound(std::begin(kEvents), std::end(kEvents), type,
                                    [](const EventInfo& e, uint16_t t) { return e.type < t; });
  if (it == std::end(kEvents) || it->type != type) return nullptr;
  return it;
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
