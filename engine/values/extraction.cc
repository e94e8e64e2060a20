#include "engine/values/extraction.h"

namespace peregrine::engine {

std::string& Extraction::own_buffer() {
  if (owned_used_ == owned_.size()) owned_.emplace_back();
  std::string& s = owned_[owned_used_++];
  s.clear();
  return s;
}

std::string_view Extraction::own_string(std::string_view s) {
  std::string& buf = own_buffer();
  buf.assign(s);
  return buf;
}

void Extraction::set_owned_string(std::string_view s) { set_string(own_string(s)); }

std::string Extraction::to_string() const {
  switch (kind_) {
    case Kind::kNone: return {};
    case Kind::kString: return std::string(str_);
    case Kind::kInt: return std::to_string(i64_);
    case Kind::kUint: return std::to_string(u64_);
    case Kind::kBool: return b_ ? "true" : "false";
    case Kind::kIp: return ip_.to_string();
    case Kind::kNet: return net_.to_string();
    case Kind::kList: {
      // Falco prints multi-valued fields as (a,b,c).
      std::string out = "(";
      for (size_t i = 0; i < list_.size(); ++i) {
        if (i) out += ",";
        out += list_[i];
      }
      return out + ")";
    }
  }
  return {};
}

}  // namespace peregrine::engine
