#pragma once
// What a FalcoOutput's spec may hold, and how it becomes one entry of the agents' `outputs:`
// list (outputs/README.md). The CRD schema checks shapes; this checks what the schema cannot:
// keys that do not apply to spec.type, per-type required keys, and credentials given inline
// instead of as Secret references.
//
// Pure functions over JSON; nothing here reads a Secret or touches the network.

#include <compare>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace peregrine::op::outputs {

// One key of a Secret that an accepted FalcoOutput needs. The agent finds its value in the file
// `<secrets_dir>/<dir()>/<key>` (cluster contract: the operator copies it into the bundle Secret).
struct SecretKeyRef {
  std::string ns;
  std::string secret;
  std::string key;

  std::string dir() const { return ns + "." + secret; }
  auto operator<=>(const SecretKeyRef&) const = default;
};

// Every problem of `spec` (a FalcoOutput's .spec), each naming its field:
// "spec.path: does not apply to type 'webhook' (only to file)". Empty when the spec is usable.
std::vector<std::string> check_output_spec(const nlohmann::json& spec);

// The outputs-list entry for a spec check_output_spec() accepted: `name` is `<ns>/<name>`, every
// `*SecretRef` becomes `{name: "<ns>.<secret>", key}`, and the Secret keys it needs are
// appended to `secrets`. No credential value ever appears in the entry.
nlohmann::json output_entry(const std::string& ns, const std::string& name,
                            const nlohmann::json& spec, std::vector<SecretKeyRef>& secrets);

// The sink types of the CRD's spec.type enum.
const std::vector<std::string>& crd_sink_types();

}  // namespace peregrine::op::outputs
