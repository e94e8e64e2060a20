#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cmd/args.h"
#include "cmd/commands.h"
#include "engine/engine.h"

namespace peregrine::cli {
namespace {

constexpr const char* kHelp = R"(usage: peregrine fields [--source syscall|k8s_audit] [-o text|json]

Lists every field rules and outputs can use: its name, argument form, type and description,
and, where this platform cannot always provide it, why.
)";

std::string arg_form(const engine::FieldInfo& f) {
  if (f.arg == engine::ArgMode::kNone) return "";
  std::string a = f.arg_is_index ? "[N]" : "[ARG]";
  return f.arg == engine::ArgMode::kOptional ? "(" + a + ")" : a;
}

}  // namespace

int run_fields(const std::vector<std::string>& argv) {
  Args parsed;
  if (auto done = parse_command_line(argv, {{"source", "", true, false}, {"output", "o", true, false}}, kHelp, false, parsed)) return *done;
  const Args* args = &parsed;
  std::string format = args->get("output").value_or("text");
  if (format != "text" && format != "json") return usage_error("-o must be text or json, not '" + format + "'");
  engine::Engine engine(engine::system_hostname());
  std::vector<const engine::EventSource*> sources = engine.sources();
  if (auto want = args->get("source")) {
    const engine::EventSource* s = engine.source(*want);
    if (!s) return usage_error("unknown source '" + *want + "' (known: syscall, k8s_audit)");
    sources = {s};
  }
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const auto* s : sources) {
    if (format == "text") std::cout << "# source: " << s->name() << "\n";
    for (const auto& f : s->fields().fields()) {
      if (format == "json") {
        json.push_back({{"source", std::string(s->name())},
                        {"name", f.name},
                        {"type", engine::field_type_name(f.type)},
                        {"arg", arg_form(f)},
                        {"list", f.is_list},
                        {"description", f.description},
                        {"availability", f.availability}});
        continue;
      }
      std::string head = f.name + arg_form(f);
      std::cout << head << std::string(head.size() < 44 ? 44 - head.size() : 1, ' ')
                << engine::field_type_name(f.type) << (f.is_list ? " (list)" : "") << "\n    "
                << f.description << "\n";
      if (!f.availability.empty()) std::cout << "    availability: " << f.availability << "\n";
    }
  }
  if (format == "json") std::cout << json.dump(2) << "\n";
  return 0;
}

}  // namespace peregrine::cli
