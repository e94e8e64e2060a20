// `val(field)` on the right: compares two fields of the same event. Numbers compare as numbers
// when both sides are numeric; everything else compares as text.

#include <optional>

#include "common/strings.h"
#include "engine/compiler/checks/check.h"

namespace peregrine::engine {
namespace {

std::optional<__int128> as_number(const Extraction& v) {
  switch (v.kind()) {
    case Extraction::Kind::kInt: return v.i64();
    case Extraction::Kind::kUint: return v.u64();
    default: return std::nullopt;
  }
}

class FieldCompareCheck final : public Program {
 public:
  FieldCompareCheck(uint32_t lhs, uint32_t rhs, CmpOp op) : lhs_(lhs), rhs_(rhs), op_(op) {}

  bool eval(EvalContext& ctx) const override {
    const Extraction* a = ctx.value(lhs_);
    const Extraction* b = ctx.value(rhs_);
    if (!a || !b) return false;
    auto na = as_number(*a), nb = as_number(*b);
    if (na && nb) {
      switch (op_) {
        case CmpOp::kEq: return *na == *nb;
        case CmpOp::kNe: return *na != *nb;
        case CmpOp::kLt: return *na < *nb;
        case CmpOp::kLe: return *na <= *nb;
        case CmpOp::kGt: return *na > *nb;
        case CmpOp::kGe: return *na >= *nb;
        default: break;
      }
    }
    // Render the right side first: value_text() of the left may reuse the same scratch.
    std::string right = b->kind() == Extraction::Kind::kString ? std::string(b->str()) : b->to_string();
    if (a->kind() == Extraction::Kind::kList) {
      for (auto item : a->list())
        if (match(item, right)) return true;
      return false;
    }
    return match(value_text(*a, ctx), right);
  }

 private:
  bool match(std::string_view a, std::string_view b) const {
    switch (op_) {
      case CmpOp::kEq: return a == b;
      case CmpOp::kNe: return a != b;
      case CmpOp::kContains: return a.find(b) != std::string_view::npos;
      case CmpOp::kIContains: return to_lower(a).find(to_lower(b)) != std::string::npos;
      case CmpOp::kStartsWith: return a.starts_with(b);
      case CmpOp::kEndsWith: return a.ends_with(b);
      case CmpOp::kIn:
      case CmpOp::kIntersects: return a == b;
      default: return false;
    }
  }

  uint32_t lhs_, rhs_;
  CmpOp op_;
};

}  // namespace

Result<ProgramPtr> make_field_compare_check(const CheckSpec& spec) {
  switch (spec.op) {
    case CmpOp::kLt: case CmpOp::kLe: case CmpOp::kGt: case CmpOp::kGe:
      if (!is_numeric(spec.type) || !is_numeric(spec.rhs.field_type)) {
        return make_error("operator " + quoted(spec.op_text) + " compares numbers; both fields must be numeric");
      }
      break;
    case CmpOp::kEq: case CmpOp::kNe: case CmpOp::kContains: case CmpOp::kIContains:
    case CmpOp::kStartsWith: case CmpOp::kEndsWith: case CmpOp::kIn: case CmpOp::kIntersects:
      break;
    default:
      return make_error("operator " + quoted(spec.op_text) + " cannot compare two fields");
  }
  return ProgramPtr(std::make_unique<FieldCompareCheck>(spec.slot, spec.rhs.field_slot, spec.op));
}

}  // namespace peregrine::engine
