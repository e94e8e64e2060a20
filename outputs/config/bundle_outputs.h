#pragma once
// A bundle's outputs.yaml (a config-file fragment: a map with an `outputs:` list, credentials
// only as `<key>SecretRef: {name: "<ns>.<secret>", key: K}`) turned into a Dispatcher. The
// bundle Secret's values are written to <secrets_dir>/<ns>.<secret>/<key> first, where those
// references read them. Errors lead with the file:line:col of the offending entry.

#include <memory>
#include <string>

#include "kube/bundle/bundle_manifest.h"
#include "common/result.h"
#include "outputs/config/config_context.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::outputs {

// Null when the bundle has no outputs file. `dir`: where the bundle's files were written;
// `context`: its secrets_dir receives the bundle's Secret, and its API connection and node
// name serve sinks that need them (falcoalert).
Result<std::unique_ptr<outputs::Dispatcher>> bundle_dispatcher(const kube::bundle::Bundle& bundle, const std::string& dir,
                                                               outputs::ConfigContext context);

// What identifies a bundle's outputs (the file and the secret values), so an unchanged one is
// not rebuilt on every rules change. "" when the bundle has none.
std::string outputs_identity(const kube::bundle::Bundle& bundle);

}  // namespace peregrine::outputs
