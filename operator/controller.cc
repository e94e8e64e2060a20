#include "operator/controller.h"

#include <unistd.h>

#include <cstdio>

#include <httplib.h>

#include "kube/backoff.h"
#include "kube/clock.h"
#include "operator/outputs_integration.h"

namespace peregrine::op {

struct Controller::Http {
  httplib::Server server;
  std::thread thread;
};

namespace {

// A pass at least this long logs where its time went (the same figures are on /metrics).
constexpr double kSlowPass = 0.25;

std::string default_identity() {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(getpid());
}

}  // namespace

Controller::Controller(std::shared_ptr<kube::Client> client, ControllerOptions options)
    : client_(std::move(client)), options_(std::move(options)), engine_("peregrine-operator") {
  if (options_.identity.empty()) options_.identity = default_identity();
  falco_rules_ = &add_informer(falco_rules_ref(), "", "");
  falco_outputs_ = &add_informer(falco_outputs_ref(), "", "");
  nodes_ = &add_informer(nodes_ref(), "", "");
  leases_ = &add_informer(leases_ref(), options_.ns, "peregrine.dev/component=agent");
  bundles_ = &add_informer(config_maps_ref(), options_.ns, kBundleLabel);
  reconciler_ = std::make_unique<Reconciler>(client_, options_.ns, engine_,
                                             Caches{falco_rules_, falco_outputs_, nodes_, leases_, bundles_},
                                             options_.limits);
  reconciler_->set_outputs_renderer(make_outputs_renderer(client_));
  reconciler_->set_gc_grace(options_.gc_grace);
}

Controller::~Controller() { stop(); }

kube::Informer& Controller::add_informer(const kube::ResourceRef& ref, const std::string& ns,
                                         const std::string& label_selector) {
  kube::InformerOptions options;
  options.ref = ref;
  options.ns = ns;
  options.label_selector = label_selector;
  auto on_any = [this](const nlohmann::json&) { trigger(); };
  kube::InformerHandlers handlers{on_any, [this](const nlohmann::json&, const nlohmann::json&) { trigger(); }, on_any};
  informers_.push_back(std::make_unique<kube::Informer>(client_, std::move(options), std::move(handlers)));
  return *informers_.back();
}

void Controller::log(const std::string& line) const {
  if (options_.log) return options_.log(line);
  std::fprintf(stderr, "peregrine operator: %s\n", line.c_str());
  std::fflush(stderr);
}

Status Controller::start() {
  if (options_.metrics_port >= 0) {
    http_ = std::make_unique<Http>();
    http_->server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics_.render(), "text/plain; version=0.0.4");
    });
    http_->server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
    http_->server.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
      bool ok = ready();
      res.status = ok ? 200 : 503;
      res.set_content(ok ? "ok\n" : "informers not synced\n", "text/plain");
    });
    int port = options_.metrics_port == 0 ? http_->server.bind_to_any_port(options_.metrics_host)
                                          : (http_->server.bind_to_port(options_.metrics_host, options_.metrics_port)
                                                 ? options_.metrics_port
                                                 : -1);
    if (port < 0)
      return make_error("cannot listen on " + options_.metrics_host + ":" + std::to_string(options_.metrics_port));
    metrics_port_ = port;
    http_->thread = std::thread([this] { http_->server.listen_after_bind(); });
  }
  for (auto& informer : informers_) informer->start();
  if (options_.leader_elect) {
    kube::LeaderElectionConfig config;
    config.lease_namespace = options_.ns;
    config.lease_name = "peregrine-operator";
    config.identity = options_.identity;
    config.lease_duration = options_.lease_duration;
    config.renew_deadline = options_.renew_deadline;
    config.retry_period = options_.retry_period;
    config.callbacks.on_started_leading = [this] {
      log("leading as " + options_.identity);
      metrics_.leader = 1;
      {
        std::lock_guard lock(mu_);
        need_recover_ = true;
      }
      trigger();
    };
    config.callbacks.on_stopped_leading = [this] {
      log("stopped leading");
      metrics_.leader = 0;
    };
    config.callbacks.on_new_leader = [this](const std::string& id) {
      if (id != options_.identity) log("leader is now " + (id.empty() ? std::string("nobody") : id));
    };
    // Election requests must end well inside the renew deadline; the main client's timeout is
    // sized for bundle writes, so the elector gets a client of its own.
    kube::ClientConfig election_config = client_->config();
    election_config.request_timeout = std::min(election_config.request_timeout, options_.renew_deadline / 3);
    election_config.connect_timeout = std::min(election_config.connect_timeout, election_config.request_timeout);
    auto elector = kube::LeaderElector::create(std::make_shared<kube::Client>(election_config), std::move(config));
    if (!elector) return elector.error();
    elector_ = std::move(*elector);
    elector_->start();
  } else {
    metrics_.leader = 1;
  }
  worker_ = std::thread([this] { work(); });
  if (options_.prune_interval.count() > 0) pruner_ = std::thread([this] { prune_loop(); });
  return {};
}

void Controller::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (pruner_.joinable()) pruner_.join();
  // Released only once no pass is running, so the successor never overlaps our writes.
  if (elector_) elector_->stop();
  for (auto& informer : informers_) informer->stop();
  if (http_) {
    http_->server.stop();
    if (http_->thread.joinable()) http_->thread.join();
  }
}

bool Controller::synced() const {
  for (const auto& informer : informers_)
    if (!informer->has_synced()) return false;
  return true;
}

std::vector<nlohmann::json> Controller::falco_rules() const {
  return falco_rules_ ? falco_rules_->list() : std::vector<nlohmann::json>{};
}

bool Controller::ready() const { return synced() && (!options_.leader_elect || elector_ != nullptr); }

bool Controller::leading() const { return !options_.leader_elect || (elector_ && elector_->is_leader()); }

void Controller::trigger() {
  {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  cv_.notify_all();
}

void Controller::work() {
  kube::Backoff backoff(options_.backoff_initial, options_.backoff_cap);
  uint64_t pass = 0;
  auto next = std::chrono::steady_clock::now() + options_.resync;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_until(lock, next, [&] { return stopping_ || dirty_; });
    if (stopping_) break;
    if (!dirty_ && std::chrono::steady_clock::now() < next) continue;
    // Fold the rest of a burst into this pass.
    if (dirty_) cv_.wait_for(lock, options_.debounce, [&] { return stopping_; });
    dirty_ = false;
    next = std::chrono::steady_clock::now() + options_.resync;
    // A pass over half-filled caches would assign nodes nothing; wait for every first list.
    if (!leading()) continue;
    if (!synced()) {
      next = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
      continue;
    }
    bool recover = std::exchange(need_recover_, false);
    lock.unlock();
    if (recover) reconciler_->recover();
    const std::string id = "reconcile " + std::to_string(++pass) + ": ";
    auto t0 = std::chrono::steady_clock::now();
    auto result = reconciler_->run([&](const std::string& line) { log(id + line); });
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    metrics_.observe_reconcile(seconds, result.ok());
    std::chrono::milliseconds retry{0};
    if (result) {
      backoff.reset();
      metrics_.bundles = result->bundles;
      metrics_.bundles_created += result->bundles_created;
      metrics_.bundles_deleted += result->bundles_deleted;
      metrics_.status_writes += result->statuses_written;
      metrics_.compiles += result->compiles;
      metrics_.renders += result->renders;
      const PassPhases& ph = result->phases;
      metrics_.observe_phases(
          {ph.read, ph.validate, ph.render, ph.plan_statuses, ph.write_bundles, ph.write_statuses, ph.collect_garbage});
      if (seconds >= kSlowPass) {
        char line[400];
        std::snprintf(line, sizeof line,
                      "slow pass %.3f s: read %.3f, validate %.3f (%d compiles), render %.3f (%d rendered), "
                      "plan statuses %.3f, write bundles %.3f, write statuses %.3f (%d written), "
                      "collect garbage %.3f (%d deleted)",
                      seconds, ph.read, ph.validate, result->compiles, ph.render, result->renders, ph.plan_statuses,
                      ph.write_bundles, ph.write_statuses, result->statuses_written, ph.collect_garbage,
                      result->bundles_deleted);
        log(id + line);
      }
      metrics_.falco_rules = result->rules;
      metrics_.falco_rules_accepted = result->accepted;
    } else {
      retry = backoff.next();
      log(id + result.error().message + " (retry in " + std::to_string(retry.count()) + " ms)");
    }
    lock.lock();
    if (result.ok() == false) next = std::chrono::steady_clock::now() + retry;
  }
}

}  // namespace peregrine::op

namespace peregrine::op {

void Controller::prune_loop() {
  kube::SystemClock clock;
  alerts::AlertPruner pruner(*client_, options_.prune, clock);
  std::string last_error;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.prune_interval, [&] { return stopping_; });
    if (stopping_ || !leading()) continue;
    lock.unlock();
    auto report = pruner.prune();
    if (!report) {
      // Said once, not every interval (a cluster without the FalcoAlert CRD answers 404 forever).
      if (report.error().describe() != last_error) log("pruning FalcoAlerts: " + report.error().describe());
      last_error = report.error().describe();
    } else {
      last_error.clear();
      if (report->expired || report->over_limit)
        log("pruned FalcoAlerts: " + std::to_string(report->expired) + " expired, " +
            std::to_string(report->over_limit) + " over the limit, " + std::to_string(report->remaining()) + " left");
    }
    lock.lock();
  }
}

}  // namespace peregrine::op
