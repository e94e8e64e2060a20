// Checks on numeric fields (integers, ports, times) and booleans. Right-hand sides are parsed
// once at load time; values compare as 128-bit integers so signed and unsigned mix safely.

#include <algorithm>
#include <cstdint>
#include <optional>

#include "common/strings.h"
#include "engine/compiler/checks/check.h"

namespace peregrine::engine {
namespace {

using Wide = __int128;

std::optional<Wide> parse_number(std::string_view text) {
  if (auto v = parse_int64(text)) return *v;
  if (auto v = parse_uint64(text)) return *v;
  return std::nullopt;
}

std::optional<Wide> number_of(const Extraction& v, std::string_view item) {
  switch (v.kind()) {
    case Extraction::Kind::kInt: return v.i64();
    case Extraction::Kind::kUint: return v.u64();
    case Extraction::Kind::kBool: return v.boolean() ? 1 : 0;
    case Extraction::Kind::kString: return parse_number(v.str());
    case Extraction::Kind::kList: return parse_number(item);
    default: return std::nullopt;
  }
}

bool compare(CmpOp op, Wide a, Wide b) {
  switch (op) {
    case CmpOp::kEq: return a == b;
    case CmpOp::kNe: return a != b;
    case CmpOp::kLt: return a < b;
    case CmpOp::kLe: return a <= b;
    case CmpOp::kGt: return a > b;
    case CmpOp::kGe: return a >= b;
    default: return false;
  }
}

class NumericCheck final : public Program {
 public:
  NumericCheck(uint32_t slot, CmpOp op, bool every, std::vector<Wide> rhs)
      : slot_(slot), op_(op), every_(every), rhs_(std::move(rhs)) {}

  bool eval(EvalContext& ctx) const override {
    const Extraction* v = ctx.value(slot_);
    if (!v) return false;
    if (v->kind() != Extraction::Kind::kList) {
      auto n = number_of(*v, {});
      return n && match(*n);
    }
    const auto& items = v->list();
    if (every_) {
      if (items.empty()) return false;
      for (auto item : items) {
        auto n = number_of(*v, item);
        if (!n || !match(*n)) return false;
      }
      return true;
    }
    for (auto item : items) {
      auto n = number_of(*v, item);
      if (n && match(*n)) return true;
    }
    return false;
  }

  // Inline only when the operand is an int64; the program compares kInt values itself and
  // calls eval() for every other kind.
  InlineCheck inline_form() const override {
    if (rhs_.size() != 1 || rhs_[0] < INT64_MIN || rhs_[0] > INT64_MAX) return {};
    InlineCheck c;
    c.slot = slot_;
    c.number = static_cast<int64_t>(rhs_[0]);
    switch (op_) {
      case CmpOp::kEq: c.kind = InlineCheck::Kind::kIntEq; break;
      case CmpOp::kNe: c.kind = InlineCheck::Kind::kIntNe; break;
      case CmpOp::kLt: c.kind = InlineCheck::Kind::kIntLt; break;
      case CmpOp::kLe: c.kind = InlineCheck::Kind::kIntLe; break;
      case CmpOp::kGt: c.kind = InlineCheck::Kind::kIntGt; break;
      case CmpOp::kGe: c.kind = InlineCheck::Kind::kIntGe; break;
      default: break;
    }
    return c;
  }

 private:
  bool match(Wide n) const {
    if (op_ == CmpOp::kIn || op_ == CmpOp::kIntersects) {
      return std::find(rhs_.begin(), rhs_.end(), n) != rhs_.end();
    }
    return compare(op_, n, rhs_[0]);
  }

  uint32_t slot_;
  CmpOp op_;
  bool every_;  // `in` on a multi-valued field: every value must be in the set
  std::vector<Wide> rhs_;
};

class BoolCheck final : public Program {
 public:
  BoolCheck(uint32_t slot, CmpOp op, std::vector<bool> rhs) : slot_(slot), op_(op), rhs_(std::move(rhs)) {}

  bool eval(EvalContext& ctx) const override {
    const Extraction* v = ctx.value(slot_);
    if (!v) return false;
    bool b = v->kind() == Extraction::Kind::kBool ? v->boolean()
             : v->kind() == Extraction::Kind::kString ? iequals(v->str(), "true")
                                                       : v->u64() != 0;
    switch (op_) {
      case CmpOp::kEq: return b == rhs_[0];
      case CmpOp::kNe: return b != rhs_[0];
      default: return std::find(rhs_.begin(), rhs_.end(), b) != rhs_.end();
    }
  }

  InlineCheck inline_form() const override {
    if (op_ != CmpOp::kEq && op_ != CmpOp::kNe) return {};
    // b != x is b == !x.
    bool target = op_ == CmpOp::kEq ? rhs_[0] : !rhs_[0];
    InlineCheck c;
    c.kind = InlineCheck::Kind::kBoolEq;
    c.slot = slot_;
    c.number = target ? 1 : 0;
    return c;
  }

 private:
  uint32_t slot_;
  CmpOp op_;
  std::vector<bool> rhs_;
};

std::string type_mismatch(const CheckSpec& spec) {
  return "operator " + quoted(spec.op_text) + " does not apply to " + quoted(spec.field_name) +
         ", " + field_type_phrase(spec.type);
}

}  // namespace

Result<ProgramPtr> make_numeric_check(const CheckSpec& spec) {
  switch (spec.op) {
    case CmpOp::kEq: case CmpOp::kNe: case CmpOp::kLt: case CmpOp::kLe:
    case CmpOp::kGt: case CmpOp::kGe: case CmpOp::kIn: case CmpOp::kIntersects:
      break;
    default:
      return make_error(type_mismatch(spec));
  }
  std::vector<Wide> rhs;
  for (const auto& item : spec.rhs.items) {
    auto n = parse_number(item);
    if (!n) {
      return make_error(quoted(item) + " is not a number, but " + quoted(spec.field_name) +
                        " is " + field_type_phrase(spec.type));
    }
    rhs.push_back(*n);
  }
  bool every = spec.is_list && spec.op == CmpOp::kIn;
  return ProgramPtr(std::make_unique<NumericCheck>(spec.slot, spec.op, every, std::move(rhs)));
}

Result<ProgramPtr> make_bool_check(const CheckSpec& spec) {
  if (spec.op != CmpOp::kEq && spec.op != CmpOp::kNe && spec.op != CmpOp::kIn &&
      spec.op != CmpOp::kIntersects) {
    return make_error(type_mismatch(spec));
  }
  std::vector<bool> rhs;
  for (const auto& item : spec.rhs.items) {
    if (iequals(item, "true") || item == "1") rhs.push_back(true);
    else if (iequals(item, "false") || item == "0") rhs.push_back(false);
    else return make_error(quoted(item) + " is not true or false, but " + quoted(spec.field_name) + " is a bool field");
  }
  return ProgramPtr(std::make_unique<BoolCheck>(spec.slot, spec.op, std::move(rhs)));
}

}  // namespace peregrine::engine
