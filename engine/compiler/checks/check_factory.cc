#include "engine/compiler/checks/check.h"

#include <optional>

#include "common/strings.h"

namespace peregrine::engine {
namespace {

class Exists final : public Program {
 public:
  explicit Exists(uint32_t slot) : slot_(slot) {}
  bool eval(EvalContext& ctx) const override {
    // Reading the slot counts a missing value; `exists` is exactly the check that expects it.
    return ctx.value(slot_) != nullptr;
  }

 private:
  uint32_t slot_;
};

}  // namespace

std::optional<CmpOp> parse_cmp_op(std::string_view op) {
  static constexpr std::pair<std::string_view, CmpOp> kOps[] = {
      {"=", CmpOp::kEq},          {"==", CmpOp::kEq},
      {"!=", CmpOp::kNe},         {"<", CmpOp::kLt},
      {"<=", CmpOp::kLe},         {">", CmpOp::kGt},
      {">=", CmpOp::kGe},         {"contains", CmpOp::kContains},
      {"icontains", CmpOp::kIContains}, {"bcontains", CmpOp::kBContains},
      {"startswith", CmpOp::kStartsWith}, {"bstartswith", CmpOp::kBStartsWith},
      {"endswith", CmpOp::kEndsWith}, {"glob", CmpOp::kGlob},
      {"iglob", CmpOp::kIGlob},   {"regex", CmpOp::kRegex},
      {"in", CmpOp::kIn},         {"intersects", CmpOp::kIntersects},
      {"pmatch", CmpOp::kPmatch}, {"exists", CmpOp::kExists},
  };
  for (auto& [name, value] : kOps)
    if (name == op) return value;
  return std::nullopt;
}

bool is_set_op(CmpOp op) {
  return op == CmpOp::kIn || op == CmpOp::kIntersects || op == CmpOp::kPmatch;
}

std::string_view value_text(const Extraction& v, EvalContext& ctx) {
  if (v.kind() == Extraction::Kind::kString) return v.str();
  ctx.scratch() = v.to_string();
  return ctx.scratch();
}

Result<ProgramPtr> make_check(const CheckSpec& spec) {
  if (spec.op == CmpOp::kExists) return ProgramPtr(std::make_unique<Exists>(spec.slot));
  if (spec.rhs.is_field) return make_field_compare_check(spec);
  if (!is_set_op(spec.op) && spec.rhs.items.size() != 1) {
    return make_error("operator " + quoted(spec.op_text) + " takes one value, not a list");
  }
  switch (spec.type) {
    case FieldType::kString:
    case FieldType::kBytes:
      return make_string_check(spec);
    case FieldType::kInt64:
    case FieldType::kUint64:
    case FieldType::kPort:
    case FieldType::kAbsTime:
    case FieldType::kRelTime:
      return make_numeric_check(spec);
    case FieldType::kBool:
      return make_bool_check(spec);
    case FieldType::kIpAddr:
    case FieldType::kIpNet:
      return make_ip_check(spec);
  }
  return make_error("unsupported field type");
}

}  // namespace peregrine::engine
