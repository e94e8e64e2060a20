#include "engine/fields/field_registry.h"

#include <cassert>

#include "common/strings.h"

namespace peregrine::engine {

const char* field_type_name(FieldType t) {
  switch (t) {
    case FieldType::kString: return "string";
    case FieldType::kInt64: return "int64";
    case FieldType::kUint64: return "uint64";
    case FieldType::kBool: return "bool";
    case FieldType::kIpAddr: return "ipaddr";
    case FieldType::kIpNet: return "ipnet";
    case FieldType::kPort: return "port";
    case FieldType::kAbsTime: return "abstime";
    case FieldType::kRelTime: return "reltime";
    case FieldType::kBytes: return "bytebuf";
  }
  return "unknown";
}

std::string field_type_phrase(FieldType t) {
  std::string name = field_type_name(t);
  bool vowel = name[0] == 'a' || name[0] == 'e' || name[0] == 'i' || name[0] == 'o' || name[0] == 'u';
  return (vowel ? "an " : "a ") + name + " field";
}

bool is_numeric(FieldType t) {
  switch (t) {
    case FieldType::kInt64:
    case FieldType::kUint64:
    case FieldType::kPort:
    case FieldType::kAbsTime:
    case FieldType::kRelTime:
      return true;
    default:
      return false;
  }
}

std::string FieldRef::display_name() const {
  if (!info) return {};
  if (!has_arg) return info->name;
  return info->name + "[" + arg + "]";
}

FieldRegistry::FieldRegistry(std::vector<FieldInfo> fields) : fields_(std::move(fields)) {
  for (size_t i = 0; i < fields_.size(); ++i) {
    fields_[i].id = static_cast<uint32_t>(i);
    [[maybe_unused]] bool inserted = by_name_.emplace(fields_[i].name, i).second;
    assert(inserted && "duplicate field name in registry");
    names_.push_back(fields_[i].name);
  }
}

const FieldInfo* FieldRegistry::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &fields_[it->second];
}

Result<FieldRef> FieldRegistry::resolve(std::string_view name,
                                        std::optional<std::string_view> bracket_arg) const {
  FieldRef ref;
  std::optional<std::string_view> arg = bracket_arg;
  ref.info = find(name);
  if (!ref.info) {
    // `evt.arg.flags`: the longest registered prefix that takes a dotted argument.
    for (size_t dot = name.rfind('.'); dot != std::string_view::npos && dot > 0;
         dot = name.rfind('.', dot - 1)) {
      const FieldInfo* f = find(name.substr(0, dot));
      if (f && f->arg_dotted && !bracket_arg) {
        ref.info = f;
        arg = name.substr(dot + 1);
        break;
      }
      if (dot == 0) break;
    }
  }
  if (!ref.info) {
    std::string msg = "unknown field " + quoted(name);
    if (auto s = closest_match(name, names_)) msg += ", did you mean " + quoted(*s) + "?";
    return make_error(msg);
  }
  const FieldInfo& f = *ref.info;
  if (arg) {
    if (f.arg == ArgMode::kNone) {
      return make_error("field " + quoted(f.name) + " does not take an argument");
    }
    ref.has_arg = true;
    ref.arg = std::string(*arg);
    if (f.arg_is_index) {
      auto n = parse_uint64(ref.arg);
      if (!n) {
        return make_error("field " + quoted(f.name) + " needs a numeric index, not " +
                          quoted(ref.arg));
      }
      ref.arg_index = *n;
    }
  } else if (f.arg == ArgMode::kRequired) {
    return make_error("field " + quoted(f.name) + " requires an argument, e.g. " + f.name +
                      (f.arg_is_index ? "[0]" : "[name]"));
  }
  return ref;
}

}  // namespace peregrine::engine
