#pragma once
// Compiled field checks: one field slot, one operator, and a right-hand side that was parsed
// for the field's type at load time (numbers, addresses, hash sets, globs, regexes), so
// evaluation only compares.
//
// Semantics shared by every check: a field with no value makes the check false (whatever the
// operator; `not` above it turns that into true, as in Falco). A multi-valued field
// (FieldInfo::is_list, like ka.req.pod.containers.image) matches `in` when it has values and
// every one is in the set, `intersects` when any is. Any other list value (the ancestors of
// `proc.aname` without an index), and every other operator, match when any value matches.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "engine/compiler/program.h"
#include "engine/fields/field_info.h"

namespace peregrine::engine {

enum class CmpOp : uint8_t {
  kEq, kNe, kLt, kLe, kGt, kGe,
  kContains, kIContains, kBContains, kStartsWith, kBStartsWith, kEndsWith,
  kGlob, kIGlob, kRegex, kIn, kIntersects, kPmatch, kExists,
};

std::optional<CmpOp> parse_cmp_op(std::string_view op);
bool is_set_op(CmpOp op);  // in, intersects, pmatch

// What a check compares against: literal text (one item for scalar operators; any number for
// set operators), or another field's slot (`val(...)`).
struct CheckOperand {
  std::vector<std::string> items;
  bool is_field = false;
  uint32_t field_slot = 0;
  FieldType field_type = FieldType::kString;
};

struct CheckSpec {
  uint32_t slot = 0;
  std::string field_name;  // for messages
  FieldType type = FieldType::kString;
  bool is_list = false;
  CmpOp op = CmpOp::kEq;
  std::string op_text;
  CheckOperand rhs;
};

// Errors say what is wrong with the operator or operand for this field (not where: the
// compiler adds the position).
Result<ProgramPtr> make_check(const CheckSpec& spec);

// Per-type builders used by make_check.
Result<ProgramPtr> make_string_check(const CheckSpec& spec);
Result<ProgramPtr> make_numeric_check(const CheckSpec& spec);
Result<ProgramPtr> make_bool_check(const CheckSpec& spec);
Result<ProgramPtr> make_ip_check(const CheckSpec& spec);
Result<ProgramPtr> make_field_compare_check(const CheckSpec& spec);

// Renders a non-string value as text into ctx.scratch(); returns a view of the text.
std::string_view value_text(const Extraction& v, EvalContext& ctx);

}  // namespace peregrine::engine
