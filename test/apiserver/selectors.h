#pragma once
// Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`) and field selectors
// (`metadata.name=x,status.phase!=Running`) as the API's list and watch accept them.
// Field selectors here accept any dotted path whose value is a scalar, which is more than the
// real server allows per kind; tests only rely on the common ones.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace peregrine::apiserver {

struct Requirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kNotExists };
  std::string key;
  Op op = Op::kEquals;
  std::set<std::string> values;
};

class Selector {
 public:
  // nullopt when the text does not parse; the empty text selects everything.
  static std::optional<Selector> parse_labels(const std::string& text);
  static std::optional<Selector> parse_fields(const std::string& text);

  bool matches_labels(const nlohmann::json& object) const;
  bool matches_fields(const nlohmann::json& object) const;

 private:
  std::vector<Requirement> reqs_;
};

}  // namespace peregrine::apiserver
