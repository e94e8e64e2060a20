#pragma once
// The common check kinds (string =, !=, startswith, endswith, contains, `in` on a string set,
// bool =, integer comparisons) described as data, so that FlatProgram runs them inside its own
// instruction loop: no virtual call into a leaf object and no second dispatch on the operator.
//
// An inline check covers only the usual shape of its field's value (a single string, bool or
// integer); for anything else (a list value, a number rendered as text, ...) the program calls
// the leaf the description came from, so results never differ from Program::eval.

#include <cstdint>
#include <string_view>

namespace peregrine::engine {

class StringSet;

struct InlineCheck {
  enum class Kind : uint8_t {
    kNone,  // not inlinable: call the leaf
    kStrEq, kStrNe, kStartsWith, kEndsWith, kContains, kStrIn,
    kBoolEq,  // the value equals `number` (0 or 1)
    kIntEq, kIntNe, kIntLt, kIntLe, kIntGt, kIntGe,
  };
  Kind kind = Kind::kNone;
  uint32_t slot = 0;
  std::string_view needle;        // string kinds; points into the leaf, which outlives programs
  const StringSet* set = nullptr;  // kStrIn; owned by the leaf
  int64_t number = 0;             // bool and int kinds (int: int64 or uint64 values)
};

}  // namespace peregrine::engine
