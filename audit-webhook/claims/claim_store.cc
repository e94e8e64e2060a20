#include "audit-webhook/claims/claim_store.h"

#include <openssl/sha.h>

#include <optional>
#include <string_view>
#include <utility>

#include "common/time_format.h"
#include "kube/lease_record.h"

namespace peregrine::audit {
namespace {

const kube::ResourceRef& leases() {
  static const kube::ResourceRef ref{"coordination.k8s.io", "v1", "leases", true};
  return ref;
}

// When a listed claim was taken: its acquireTime, else its creationTimestamp.
std::optional<std::chrono::system_clock::time_point> acquired_at(const nlohmann::json& lease) {
  const auto spec = lease.find("spec");
  if (spec != lease.end() && spec->is_object()) {
    auto t = spec->find("acquireTime");
    if (t != spec->end() && t->is_string())
      if (auto parsed = kube::parse_micro_time(t->get<std::string>())) return parsed;
  }
  const nlohmann::json& meta = lease.value("metadata", nlohmann::json::object());
  auto created = meta.find("creationTimestamp");
  if (created == meta.end() || !created->is_string()) return std::nullopt;
  auto ns = parse_rfc3339(created->get_ref<const std::string&>());
  if (!ns) return std::nullopt;
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(*ns)));
}

}  // namespace

std::string claim_object_name(const ClaimKey& key) {
  // NUL cannot occur in a JSON-decoded auditID, stage or rule name without being escaped in
  // the input, and never does in what the apiserver sends: it keeps ("a", "bc") and ("ab", "c")
  // apart.
  std::string text = key.audit_id;
  text.push_back('\0');
  text += key.stage;
  text.push_back('\0');
  text += key.rule;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = "peregrine-audit-claim-";
  for (int i = 0; i < 16; ++i) {  // 16 bytes: 32 hex digits
    name.push_back(kHex[digest[i] >> 4]);
    name.push_back(kHex[digest[i] & 15]);
  }
  return name;
}

ClaimStore::ClaimStore(kube::Client& client, ClaimStoreOptions options, const kube::Clock& clock)
    : client_(client), options_(std::move(options)), clock_(clock) {}

ClaimResult ClaimStore::claim(const ClaimKey& key) {
  nlohmann::json lease = {
      {"apiVersion", "coordination.k8s.io/v1"},
      {"kind", "Lease"},
      {"metadata",
       {{"name", claim_object_name(key)},
        {"namespace", options_.namespace_name},
        {"labels", {{"app.kubernetes.io/part-of", "peregrine"}, {"peregrine.dev/component", "audit-claim"}}},
        {"annotations",
         {{"peregrine.dev/audit-id", key.audit_id}, {"peregrine.dev/stage", key.stage}, {"peregrine.dev/rule", key.rule}}}}},
      {"spec",
       {{"holderIdentity", options_.holder},
        {"acquireTime", kube::format_micro_time(clock_.wall())},
        {"leaseDurationSeconds", static_cast<long long>(options_.retention.count())}}}};
  auto created = client_.create(leases(), options_.namespace_name, lease);
  if (created.ok()) return {ClaimOutcome::kWon, {}};
  if (created.error().is_already_exists()) return {ClaimOutcome::kTaken, {}};
  return {ClaimOutcome::kFailed, created.error().describe()};
}

kube::ApiResult<SweepReport> ClaimStore::sweep() {
  kube::ListOptions list_options;
  list_options.label_selector = kClaimSelector;
  list_options.limit = 500;
  auto list = client_.list_all(leases(), options_.namespace_name, list_options);
  if (!list.ok()) return list.error();
  SweepReport report;
  const auto now = clock_.wall();
  for (const auto& item : (*list)["items"]) {
    ++report.listed;
    auto at = acquired_at(item);
    // Unreadable times are kept: a claim we cannot date is safer left for a person than
    // deleted while an apiserver may still resend its batch.
    if (!at || now - *at < options_.retention) continue;
    const std::string name = item["metadata"].value("name", "");
    auto removed = client_.remove(leases(), options_.namespace_name, name);
    if (removed.ok() || removed.error().is_not_found()) {
      ++report.deleted;
    } else {
      ++report.failed;
      report.error = name + ": " + removed.error().describe();
    }
  }
  return report;
}

}  // namespace peregrine::audit
