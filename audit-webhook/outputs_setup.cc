#include "audit-webhook/outputs_setup.h"

#include <filesystem>

#include "common/strings.h"
#include "outputs/config/config_context.h"

namespace peregrine::audit {
namespace {

std::string locate(const std::string& config_path, const YAML::Node& outputs, const std::string& message) {
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

}  // namespace

Result<std::unique_ptr<outputs::Dispatcher>> build_dispatcher(const YAML::Node& outputs,
                                                              const std::string& config_path) {
  outputs::ConfigContext context;
  if (!config_path.empty()) context.base_dir = std::filesystem::absolute(config_path).parent_path().string();
  auto dispatcher = outputs::Dispatcher::from_config(outputs, context);
  if (!dispatcher.ok()) return make_error(locate(config_path, outputs, dispatcher.error().message));
  return std::move(*dispatcher);
}

}  // namespace peregrine::audit
