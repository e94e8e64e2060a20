#include "outputs/config/config_file.h"

#include <filesystem>

#include "common/strings.h"
#include "outputs/config/config_context.h"

namespace peregrine::outputs {

std::string locate_outputs_error(const std::string& config_path, const YAML::Node& outputs,
                                 const std::string& message) {
  YAML::Mark mark = outputs.Mark();
  // Messages about one sink start "outputs[N]": point at that entry rather than the list.
  const std::string prefix = "outputs[";
  if (message.rfind(prefix, 0) == 0 && outputs.IsSequence()) {
    size_t close = message.find(']');
    auto index = parse_uint64(message.substr(prefix.size(), close - prefix.size()));
    if (index && *index < outputs.size()) mark = outputs[*index].Mark();
  }
  std::string where = config_path.empty() ? "config" : config_path;
  if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  return where + ": " + message;
}

Result<std::unique_ptr<Dispatcher>> dispatcher_from_config_file(const YAML::Node& outputs,
                                                                const std::string& config_path) {
  ConfigContext context;
  if (!config_path.empty()) {
    std::filesystem::path dir = std::filesystem::absolute(config_path).parent_path();
    context.base_dir = dir.string();
  }
  auto dispatcher = Dispatcher::from_config(outputs, context);
  if (!dispatcher.ok()) return make_error(locate_outputs_error(config_path, outputs, dispatcher.error().message));
  return std::move(*dispatcher);
}

}  // namespace peregrine::outputs
