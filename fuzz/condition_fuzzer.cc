// libFuzzer target: the condition parser and compiler on arbitrary text. Any input must give a
// syntax tree or a positioned error, and a tree must compile or give an error; never a crash,
// a hang, a leak or a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/compiler/compiler.h"
#include "engine/condition/parser.h"
#include "engine/sources/syscall/syscall_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace peregrine::engine;
  static const SyscallSource source("fuzz");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_condition(text);
  if (!parsed.ok()) {
    if (parsed.error().pos > size) __builtin_trap();  // positions must point into the text
    return 0;
  }
  Definitions defs;
  defs.lists["shells"] = {parse_list_item("bash"), parse_list_item("'sh'")};
  FieldTable table;
  ConditionCompiler compiler(source, table, defs);
  auto compiled = compiler.compile(parsed.node());
  if (!compiled && compiler.error().pos > size) __builtin_trap();
  return 0;
}
