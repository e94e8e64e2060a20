#include "outputs/config/bundle_outputs.h"

#include <yaml-cpp/yaml.h>

#include "kube/bundle/bundle_store.h"
#include "outputs/config/config_context.h"
#include "outputs/config/config_file.h"

namespace peregrine::outputs {

Result<std::unique_ptr<outputs::Dispatcher>> bundle_dispatcher(const kube::bundle::Bundle& bundle, const std::string& dir,
                                                               outputs::ConfigContext context) {
  if (!bundle.outputs) return std::unique_ptr<outputs::Dispatcher>();
  const std::string path = dir + "/" + bundle.outputs->name;
  YAML::Node list;
  try {
    YAML::Node root = YAML::Load(bundle.outputs->text);
    if (!root.IsMap() || !root["outputs"]) return make_error(path + ": not a map with an outputs: list");
    list = root["outputs"];
  } catch (const YAML::Exception& e) {
    return make_error(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " +
                      e.msg);
  }
  if (Status s = kube::bundle::store_secrets(context.secrets_dir, bundle); !s) return s.error();
  context.base_dir = dir;
  auto dispatcher = outputs::Dispatcher::from_config(list, context);
  if (!dispatcher) return make_error(outputs::locate_outputs_error(path, list, dispatcher.error().message));
  return std::move(*dispatcher);
}

std::string outputs_identity(const kube::bundle::Bundle& bundle) {
  if (!bundle.outputs) return "";
  std::string all = bundle.outputs->text;
  for (const kube::bundle::BundleSecretFile& s : bundle.secrets) all += '\0' + s.dir + '\0' + s.key + '\0' + s.value;
  return kube::bundle::sha256_hex(all);
}

}  // namespace peregrine::outputs
