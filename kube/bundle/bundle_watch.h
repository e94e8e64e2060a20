#pragma once
// Follows one entry of an assignment ConfigMap (an Informer with fieldSelector
// metadata.name=<config_map>) and brings the bundle it names into force: fetch and verify
// (bundle_fetch.h), write to disk (bundle_store.h), then `apply` (the caller compiles and
// swaps the rules there), then `report` the outcome. The agent follows its node's entry in
// `peregrine-assignments` and reports on its Lease; the audit webhook follows the `bundle`
// entry of `peregrine-audit-assignment`.
//
// Errors: an API error is retried with backoff (200 ms doubling to 10 s) and reported
// meanwhile; a bundle that is wrong as written, or whose rules do not compile, is reported
// and not retried until the entry names another bundle — the last good rules keep running.
// No entry (or no ConfigMap) keeps what runs.
//
// Thread-safety: the work happens on the watch's own thread, never on the caller's; `apply`
// and `report` run there. status(), loads() and failures() may be read from any thread.
// Construct, start() and destroy from one thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kube/bundle/bundle_manifest.h"
#include "kube/client.h"
#include "kube/informer.h"

namespace peregrine::kube::bundle {

struct BundleWatchOptions {
  std::string ns = "peregrine-system";
  std::string config_map;  // the assignment ConfigMap
  std::string key;         // its entry naming the bundle ConfigMap (the agent: its node name)
  std::string store_root;  // where bundles are written (bundle_store.h)
};

// The outcome of the last attempt, as reported.
struct BundleStatus {
  std::string bundle;  // hash of the bundle in force, "" when none
  std::string error;   // one line of at most 1 KiB; "" when the last attempt succeeded

  bool operator==(const BundleStatus&) const = default;
};

class BundleWatch {
 public:
  // Brings `bundle` (its files written under `dir`) into force. Returns "" on success, else
  // one line saying why it was refused (the previous state must then stay in force).
  using Apply = std::function<std::string(const Bundle& bundle, const std::string& dir)>;
  using Report = std::function<void(const BundleStatus&)>;
  using Log = std::function<void(const std::string&)>;

  BundleWatch(std::shared_ptr<kube::Client> client, BundleWatchOptions options, Apply apply, Report report,
              Log log);
  ~BundleWatch();
  BundleWatch(const BundleWatch&) = delete;
  BundleWatch& operator=(const BundleWatch&) = delete;

  void start();

  uint64_t loads() const { return loads_.load(); }        // bundles brought into force
  uint64_t failures() const { return failures_.load(); }  // attempts that failed, retries included
  BundleStatus status() const;
  // Prometheus families `<prefix>_bundle_info{bundle,error}`, `<prefix>_bundle_loads_total`
  // and `<prefix>_bundle_failures_total` (prefix e.g. "peregrine_agent"), for /metrics.
  std::string metrics_text(const std::string& prefix) const;

  static constexpr const char* kAssignments = "peregrine-assignments";
  static constexpr const char* kAuditAssignment = "peregrine-audit-assignment";
  static constexpr const char* kAuditAssignmentKey = "bundle";

 private:
  void assigned(const nlohmann::json& config_map);
  void run();
  // One attempt at bringing `name` into force; true when worth retrying.
  bool bring_in(const std::string& name);

  std::shared_ptr<kube::Client> client_;
  const BundleWatchOptions options_;
  Apply apply_;
  Report report_;
  Log log_;
  std::unique_ptr<kube::Informer> informer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string wanted_;  // bundle ConfigMap name assigned to this node; "" none
  bool stopping_ = false;
  std::atomic<uint64_t> loads_{0};
  std::atomic<uint64_t> failures_{0};
  BundleStatus status_;  // guarded by mu_

  // Owned by the watch's thread.
  std::string settled_;  // the name last brought in or refused for good
  std::thread thread_;
};

}  // namespace peregrine::kube::bundle
