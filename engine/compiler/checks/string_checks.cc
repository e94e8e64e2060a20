// Checks on text fields: equality, substring, prefix/suffix, glob, regex, byte patterns, and
// the set operators (in / intersects through a hash set, pmatch through path prefixes).

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include "common/strings.h"
#include "engine/compiler/checks/check.h"
#include "engine/compiler/glob.h"
#include "engine/compiler/string_set.h"

namespace peregrine::engine {
namespace {

bool icontains(std::string_view hay, std::string_view lowered_needle) {
  if (lowered_needle.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), lowered_needle.begin(), lowered_needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) == b;
                        });
  return it != hay.end();
}

Result<std::string> decode_hex(std::string_view hex, std::string_view op) {
  std::string out;
  std::string digits;
  for (char c : hex)
    if (!std::isspace(static_cast<unsigned char>(c))) digits += c;
  if (digits.size() % 2 != 0) {
    return make_error("operator " + quoted(op) + " needs hex bytes (like 7f454c46), not " +
                      quoted(hex));
  }
  for (size_t i = 0; i < digits.size(); i += 2) {
    auto byte = parse_uint64("0x" + digits.substr(i, 2));
    if (!byte) {
      return make_error("operator " + quoted(op) + " needs hex bytes (like 7f454c46), not " +
                        quoted(hex));
    }
    out += static_cast<char>(*byte);
  }
  return out;
}

// A scalar string operator applied to one text value.
class StringCheck final : public Program {
 public:
  StringCheck(uint32_t slot, CmpOp op, std::string needle, std::unique_ptr<RE2> re)
      : slot_(slot), op_(op), needle_(std::move(needle)), re_(std::move(re)) {}

  bool eval(EvalContext& ctx) const override {
    const Extraction* v = ctx.value(slot_);
    if (!v) return false;
    if (v->kind() == Extraction::Kind::kList) {
      for (auto item : v->list())
        if (match(item)) return true;
      return false;
    }
    return match(value_text(*v, ctx));
  }

  InlineCheck inline_form() const override {
    InlineCheck c;
    c.slot = slot_;
    c.needle = needle_;
    switch (op_) {
      case CmpOp::kEq: c.kind = InlineCheck::Kind::kStrEq; break;
      case CmpOp::kNe: c.kind = InlineCheck::Kind::kStrNe; break;
      case CmpOp::kStartsWith:
      case CmpOp::kBStartsWith: c.kind = InlineCheck::Kind::kStartsWith; break;
      case CmpOp::kEndsWith: c.kind = InlineCheck::Kind::kEndsWith; break;
      case CmpOp::kContains:
      case CmpOp::kBContains: c.kind = InlineCheck::Kind::kContains; break;
      default: break;
    }
    return c;
  }

 private:
  // Most values tested differ from the needle in length or first byte: no memcmp call then.
  bool equal(std::string_view s) const {
    return s.size() == needle_.size() && (s.empty() || s[0] == needle_[0]) && s == needle_;
  }
  bool match(std::string_view s) const {
    switch (op_) {
      case CmpOp::kEq: return equal(s);
      case CmpOp::kNe: return !equal(s);
      case CmpOp::kContains:
      case CmpOp::kBContains: return s.find(needle_) != std::string_view::npos;
      case CmpOp::kIContains: return icontains(s, needle_);
      case CmpOp::kStartsWith:
      case CmpOp::kBStartsWith: return s.starts_with(needle_);
      case CmpOp::kEndsWith: return s.ends_with(needle_);
      case CmpOp::kGlob: return glob_match(needle_, s, false);
      case CmpOp::kIGlob: return glob_match(needle_, s, true);
      case CmpOp::kRegex: return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re_);
      default: return false;
    }
  }

  uint32_t slot_;
  CmpOp op_;
  std::string needle_;
  std::unique_ptr<RE2> re_;
};

class StringSetCheck final : public Program {
 public:
  StringSetCheck(uint32_t slot, bool every, StringSet set)
      : slot_(slot), every_(every), set_(std::move(set)) {}

  bool eval(EvalContext& ctx) const override {
    const Extraction* v = ctx.value(slot_);
    if (!v) return false;
    if (v->kind() != Extraction::Kind::kList) return set_.contains(value_text(*v, ctx));
    const auto& items = v->list();
    if (every_) {
      if (items.empty()) return false;
      for (auto item : items)
        if (!set_.contains(item)) return false;
      return true;
    }
    for (auto item : items)
      if (set_.contains(item)) return true;
    return false;
  }

  InlineCheck inline_form() const override {
    InlineCheck c;
    c.kind = InlineCheck::Kind::kStrIn;
    c.slot = slot_;
    c.set = &set_;
    return c;
  }

 private:
  uint32_t slot_;
  bool every_;  // `in` on a multi-valued field: every value must be in the set
  StringSet set_;
};

// `pmatch`: the value is one of the paths or lies below one of them.
class PathPrefixCheck final : public Program {
 public:
  PathPrefixCheck(uint32_t slot, std::vector<std::string> prefixes)
      : slot_(slot), prefixes_(std::move(prefixes)) {}

  bool eval(EvalContext& ctx) const override {
    const Extraction* v = ctx.value(slot_);
    if (!v) return false;
    if (v->kind() == Extraction::Kind::kList) {
      for (auto item : v->list())
        if (match(item)) return true;
      return false;
    }
    return match(value_text(*v, ctx));
  }

 private:
  bool match(std::string_view path) const {
    for (const auto& p : prefixes_) {
      if (!path.starts_with(p)) continue;
      if (path.size() == p.size() || p.ends_with('/') || path[p.size()] == '/') return true;
    }
    return false;
  }

  uint32_t slot_;
  std::vector<std::string> prefixes_;
};

}  // namespace

Result<ProgramPtr> make_string_check(const CheckSpec& spec) {
  switch (spec.op) {
    case CmpOp::kLt:
    case CmpOp::kLe:
    case CmpOp::kGt:
    case CmpOp::kGe:
      return make_error("operator " + quoted(spec.op_text) + " compares numbers, but " +
                        quoted(spec.field_name) + " is " + field_type_phrase(spec.type));
    case CmpOp::kIn:
    case CmpOp::kIntersects: {
      StringSet set(spec.rhs.items);
      bool every = spec.is_list && spec.op == CmpOp::kIn;
      return ProgramPtr(std::make_unique<StringSetCheck>(spec.slot, every, std::move(set)));
    }
    case CmpOp::kPmatch:
      return ProgramPtr(std::make_unique<PathPrefixCheck>(spec.slot, spec.rhs.items));
    default:
      break;
  }
  std::string needle = spec.rhs.items.at(0);
  std::unique_ptr<RE2> re;
  if (spec.op == CmpOp::kIContains) needle = to_lower(needle);
  if (spec.op == CmpOp::kBContains || spec.op == CmpOp::kBStartsWith) {
    auto bytes = decode_hex(needle, spec.op_text);
    if (!bytes) return bytes.error();
    needle = std::move(*bytes);
  }
  if (spec.op == CmpOp::kRegex) {
    RE2::Options options;
    options.set_log_errors(false);
    re = std::make_unique<RE2>(needle, options);
    if (!re->ok()) return make_error("invalid regular expression " + quoted(needle) + ": " + re->error());
  }
  return ProgramPtr(std::make_unique<StringCheck>(spec.slot, spec.op, std::move(needle), std::move(re)));
}

}  // namespace peregrine::engine
