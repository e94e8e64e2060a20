#include "audit-webhook/cluster/audit_cluster.h"

#include "outputs/config/bundle_outputs.h"

namespace peregrine::audit {
namespace {

// How long a replaced set of outputs may flush.
constexpr auto kOutputsGrace = std::chrono::seconds(5);

// The first `n` lines of `text`, joined by "; ".
std::string first_lines(const std::string& text, int n) {
  std::string out;
  size_t start = 0;
  for (int i = 0; i < n && start <= text.size(); ++i) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t first = line.find_first_not_of(' ');
    if (first != std::string::npos) out += (out.empty() ? "" : "; ") + line.substr(first);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

AuditCluster::AuditCluster(std::shared_ptr<kube::Client> client, ClusterOptions options, RuleReloader& reloader,
                           SwitchingAlertSink& outputs, Log log)
    : client_(client),
      options_(std::move(options)),
      reloader_(reloader),
      outputs_(outputs),
      log_(std::move(log)),
      watch_(client,
             kube::bundle::BundleWatchOptions{options_.ns, kube::bundle::BundleWatch::kAuditAssignment,
                                              kube::bundle::BundleWatch::kAuditAssignmentKey, options_.bundle_dir},
             [this](const kube::bundle::Bundle& bundle, const std::string& dir) { return apply(bundle, dir); },
             [](const kube::bundle::BundleStatus&) {}, log_) {}

AuditCluster::~AuditCluster() = default;

void AuditCluster::start() { watch_.start(); }

std::string AuditCluster::apply(const kube::bundle::Bundle& bundle, const std::string& dir) {
  const std::string identity = outputs::outputs_identity(bundle);
  std::unique_ptr<outputs::Dispatcher> sinks;
  if (identity != outputs_in_force_ && !identity.empty()) {
    outputs::ConfigContext context;
    context.secrets_dir = options_.secrets_dir;
    context.kube_client = client_->config();
    auto built = outputs::bundle_dispatcher(bundle, dir, std::move(context));
    if (!built) return "bundle " + bundle.hash + ": " + built.error().message;
    sinks = std::move(*built);
  }
  std::vector<engine::RuleText> texts;
  for (const kube::bundle::BundleFile& f : bundle.files) texts.emplace_back(dir + "/" + f.name, f.text, f.tenant);
  if (Status s = reloader_.replace_texts(std::move(texts), "bundle " + bundle.hash); !s) {
    if (sinks) sinks->shutdown(std::chrono::seconds(0));
    // Every diagnostic goes to the log; the status line keeps the summary and the first one.
    log_(s.error().message);
    return first_lines(s.error().message, 2);
  }
  if (identity != outputs_in_force_) {
    outputs_.replace(std::move(sinks), kOutputsGrace);
    outputs_in_force_ = identity;
    log_("bundle " + bundle.hash + ": outputs from " +
         (identity.empty() ? std::string("the webhook's own (--config, or stdout)") : dir + "/" + bundle.outputs->name));
  }
  return "";
}

std::string AuditCluster::metrics_text() const {
  return watch_.metrics_text("peregrine_audit");
}

}  // namespace peregrine::audit
