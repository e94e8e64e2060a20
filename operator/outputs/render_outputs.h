#pragma once
// FalcoOutput resources → the `outputs.yaml` file of a rule bundle (cluster contract): a YAML
// map whose `outputs:` list holds one entry per accepted FalcoOutput, in outputs/README.md's
// format, named `<namespace>/<name>`, ordered by namespace then name.
//
// Every entry is checked twice: against the CRD's per-type rules (output_spec.h), then by the
// outputs library's own loader (Dispatcher::from_config) reading the rendered text, so what the
// operator accepts is exactly what an agent builds. That load runs with the referenced Secret
// keys in a private temporary folder (values from `secret_value`, or placeholders), starts no
// delivery and connects nowhere — except that librdkafka, for a kafka entry, may start to
// resolve its brokers while its producer briefly exists.
//
// Thread-safety: render_outputs() may run concurrently with itself. It never throws.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "operator/outputs/output_spec.h"

namespace peregrine::op::outputs {

// A FalcoOutput that cannot be delivered to, and why ("spec.url: is required for type
// 'webhook'"; several problems are joined with "; "). For its Accepted=False condition.
struct OutputError {
  std::string ns;
  std::string name;
  std::string message;
};

struct RenderedOutputs {
  std::string yaml;                   // "outputs: []\n" when nothing is accepted
  std::vector<std::string> accepted;  // "<ns>/<name>" of each entry, in file order
  std::vector<SecretKeyRef> secrets;  // sorted, unique; needed by the accepted entries only
  std::vector<OutputError> errors;    // one per refused FalcoOutput, in namespace/name order
};

// The value of a Secret's key, or nullopt when the Secret or the key does not exist (which
// refuses the FalcoOutput: "spec.passwordSecretRef: Secret team-a/redis has no key 'password'").
using SecretValueLookup = std::function<std::optional<std::string>(const SecretKeyRef&)>;

struct RenderOptions {
  // Empty: existence is not checked and a placeholder value (an https URL) stands in.
  SecretValueLookup secret_value;
};

// `falco_outputs`: FalcoOutput objects as the API returns them (metadata.namespace,
// metadata.name, spec).
RenderedOutputs render_outputs(const std::vector<nlohmann::json>& falco_outputs,
                               const RenderOptions& options = {});

}  // namespace peregrine::op::outputs
