#pragma once
// The `falcoalert` entry of an `outputs:` list (outputs/README.md):
//   kubeconfig: PATH          # absent: the in-cluster service account (at the first write)
//   nodeName: NAME            # absent: each alert's hostname
//   namespace: NS             # for alerts without a namespace (default peregrine-system)
//   maxWritesPerSecond: 10    # API requests of any kind, 1..10000
//   flushInterval: 1s         # how long counts aggregate between writes (ms, s or m)
//   maxKeys: 10000            # aggregation entries kept in memory
//   timeoutMs: 5000           # one API request

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "outputs/config/settings.h"
#include "outputs/core/sink.h"

namespace peregrine::outputs::falcoalert {

Result<std::unique_ptr<Sink>> make_falcoalert_sink(Settings& settings);

// "250ms", "1s", "2m" → milliseconds; nullopt for anything else (a bare number has no unit).
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

}  // namespace peregrine::outputs::falcoalert
