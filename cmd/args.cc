#include "cmd/args.h"

#include <cstdio>

#include "cmd/commands.h"

namespace peregrine::cli {

Result<Args> Args::parse(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs) {
  Args out;
  auto find = [&](const std::string& name, bool is_short) -> const OptionSpec* {
    for (const auto& s : specs)
      if ((is_short ? s.short_name : s.name) == name && !name.empty()) return &s;
    return nullptr;
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      out.positional_.insert(out.positional_.end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      out.positional_.push_back(a);
      continue;
    }
    bool is_long = a.starts_with("--");
    std::string name = a.substr(is_long ? 2 : 1);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = find(name, !is_long);
    if (!spec) return make_error("unknown option '" + a + "' (see --help)");
    std::string value = "true";
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        return make_error("option '" + a + "' needs a value");
      }
    } else if (inline_value) {
      return make_error("option '--" + spec->name + "' takes no value");
    }
    auto& slot = out.values_[spec->name];
    if (!slot.empty() && !spec->repeatable) return make_error("option '--" + spec->name + "' given more than once");
    slot.push_back(value);
  }
  return out;
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<int> parse_command_line(const std::vector<std::string>& argv,
                                      std::vector<OptionSpec> specs, const char* help,
                                      bool positionals, Args& out) {
  specs.push_back({"help", "h", false, false});
  auto args = Args::parse(argv, specs);
  if (!args) return usage_error(args.error().message);
  if (args->has("help")) {
    std::fputs(help, stdout);
    return 0;
  }
  if (!positionals && !args->positional().empty()) {
    return usage_error("unexpected argument '" + args->positional()[0] + "'");
  }
  out = std::move(*args);
  return std::nullopt;
}

}  // namespace peregrine::cli
