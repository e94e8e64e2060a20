#pragma once
// The running operator: informers on everything the reconcile reads, leader election, one
// work queue keyed by the single "world" key (bundles depend on the whole set of FalcoRules, so
// per-object keys would only be folded together again), and /metrics, /healthz, /readyz.
//
// Every informer event marks the world dirty; the worker waits `debounce` after the first mark
// so a burst (kubectl apply -f dir/) costs one pass, then reconciles — only while leading. A
// failed pass is retried with exponential backoff; a resync pass runs every `resync` anyway,
// because an agent Lease expiring produces no event. While leading, FalcoAlerts are pruned every
// prune_interval (operator/alerts) on a thread of their own, so a long prune never delays a
// bundle.
//
// Thread-safety: start() and stop() from one thread; ready() and metrics() from any.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/engine.h"
#include "kube/client.h"
#include "kube/informer.h"
#include "kube/leader_election.h"
#include "operator/alerts/alert_pruner.h"
#include "operator/metrics.h"
#include "operator/reconciler.h"

namespace peregrine::op {

struct ControllerOptions {
  std::string ns = "peregrine-system";
  std::string identity;          // leader-election identity; empty: hostname + pid
  bool leader_elect = true;
  std::string metrics_host = "0.0.0.0";
  int metrics_port = -1;         // -1: no HTTP server; 0: a free port
  std::chrono::milliseconds debounce{50};
  std::chrono::milliseconds resync{5000};
  std::chrono::milliseconds backoff_initial{200}, backoff_cap{30000};
  std::chrono::seconds lease_duration{15};
  std::chrono::milliseconds renew_deadline{10000}, retry_period{2000};
  BundleLimits limits;
  std::chrono::milliseconds gc_grace{5000};  // Reconciler::set_gc_grace
  std::chrono::seconds prune_interval{60};  // FalcoAlert pruning while leading; 0: never
  alerts::PruneOptions prune;
  LogFn log;                     // null: stderr
};

class Controller {
 public:
  Controller(std::shared_ptr<kube::Client> client, ControllerOptions options);
  ~Controller();  // stop()
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Starts informers, the elector and the HTTP server; an error when the address cannot be bound
  // or the election settings are invalid.
  Status start();
  void stop();

  // Before start().
  void set_outputs_renderer(OutputsRenderer renderer) { reconciler_->set_outputs_renderer(std::move(renderer)); }
  bool ready() const;
  // The FalcoRules in the informer cache (the admission webhook's view of the set).
  std::vector<nlohmann::json> falco_rules() const;
  bool leading() const;
  int metrics_port() const { return metrics_port_; }
  Metrics& metrics() { return metrics_; }
  // Marks the world dirty (informer handlers call it).
  void trigger();

 private:
  void work();
  void prune_loop();
  bool synced() const;
  void log(const std::string& line) const;
  kube::Informer& add_informer(const kube::ResourceRef& ref, const std::string& ns, const std::string& label_selector);

  std::shared_ptr<kube::Client> client_;
  ControllerOptions options_;
  engine::Engine engine_;
  std::vector<std::unique_ptr<kube::Informer>> informers_;
  kube::Informer *falco_rules_ = nullptr, *falco_outputs_ = nullptr, *nodes_ = nullptr, *leases_ = nullptr,
                 *bundles_ = nullptr;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<kube::LeaderElector> elector_;
  Metrics metrics_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool dirty_ = false;
  bool stopping_ = false;
  bool need_recover_ = true;
  std::thread worker_;
  std::thread pruner_;

  struct Http;
  std::unique_ptr<Http> http_;
  int metrics_port_ = 0;
};

}  // namespace peregrine::op
