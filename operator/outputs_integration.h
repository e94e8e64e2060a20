#pragma once
// Wires operator/outputs (FalcoOutput → outputs.yaml) into the reconciler: renders every
// FalcoOutput, reads the Secret keys the accepted ones refer to (GET on demand; a Secret is
// read once per pass) and hands back the bundle's outputs file, the credentials for the bundle
// Secret (key `<ns>.<secret>.<key>`) and each FalcoOutput's Accepted verdict.
// Thread-safety: the returned renderer is called from the reconcile thread only.

#include <memory>

#include "kube/client.h"
#include "operator/reconciler.h"

namespace peregrine::op {

OutputsRenderer make_outputs_renderer(std::shared_ptr<kube::Client> client);

}  // namespace peregrine::op
