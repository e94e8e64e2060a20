#pragma once
// What the config loader needs from its caller besides the YAML: where Secret references are
// mounted, where relative paths start, and (for tests) the clock and random source that the
// delivery machinery uses.

#include <optional>
#include <string>

#include "kube/config.h"
#include "outputs/core/clock.h"
#include "outputs/core/jittered_backoff.h"

namespace peregrine::outputs {

struct ConfigContext {
  // A `secretRef: {name: N, key: K}` reads the file <secrets_dir>/N/K: the agent's pod mounts
  // each referenced Secret there, so credentials never appear in a rendered ConfigMap.
  std::string secrets_dir = "/etc/peregrine/secrets";
  // Relative file paths in the config resolve against this (the config file's folder).
  std::string base_dir = ".";
  Clock clock = steady_clock_source();
  JitteredBackoff::RandomSource random;  // empty: seeded from the OS
  // The API connection and node name of a caller that already has them (the agent in cluster
  // mode): sinks that write to the API (falcoalert) use them when their entry names none, so
  // a FalcoOutput rendered by the operator needs no kubeconfig of its own.
  std::optional<kube::ClientConfig> kube_client;
  std::string node_name;
};

}  // namespace peregrine::outputs
