// ObjectStore: updates and patches, with their admission step and the retry when another
// writer got in between.
#include "test/apiserver/object_rules.h"
#include "test/apiserver/object_store.h"
#include "test/apiserver/patch.h"
#include "test/apiserver/webhook_config.h"

namespace peregrine::apiserver {

using nlohmann::json;

StoreResult ObjectStore::update(const ResourceType& type, const std::string& ns, const std::string& name, json body,
                                bool status_subresource, const WriteOptions& options) {
  return write_update(
      type, ns, name, [&](const json&) -> std::variant<json, ApiFailure> { return body; }, status_subresource,
      options);
}

StoreResult ObjectStore::write_update(const ResourceType& type, const std::string& ns, const std::string& name,
                                      const BodyFn& make_body, bool status_subresource, const WriteOptions& options) {
  const std::string key = key_of(type.namespaced ? ns : "", name);
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    std::unique_lock lock(mu_);
    Bucket& bucket = objects_[type.storage_key()];
    auto it = bucket.find(key);
    if (it == bucket.end()) return not_found(type.group, type.plural, name);
    auto body = make_body(it->second);
    if (auto* failure = std::get_if<ApiFailure>(&body)) return *failure;
    auto prepared = prepare_update_locked(type, name, it->second, std::get<json>(std::move(body)), status_subresource);
    if (auto* failure = std::get_if<ApiFailure>(&prepared)) return *failure;
    json next = std::get<json>(std::move(prepared));
    if (!options.admit && !options.dry_run) return commit_update_locked(type, key, std::move(next));

    const json current = it->second;
    if (options.admit) {
      lock.unlock();
      WriteAttempt w{"UPDATE", &type, type.namespaced ? ns : "", name, status_subresource ? "status" : "", &next,
                     &current};
      if (auto refused = options.admit(w)) return *refused;
      lock.lock();
    }
    Bucket& again = objects_[type.storage_key()];
    auto now = again.find(key);
    if (now == again.end()) return not_found(type.group, type.plural, name);
    if (now->second["metadata"]["resourceVersion"] != current["metadata"]["resourceVersion"]) {
      if (attempt < kAttempts) continue;
      return conflict(type.group, type.plural, name);
    }
    if (options.dry_run) return next;
    return commit_update_locked(type, key, std::move(next));
  }
}

std::variant<json, ApiFailure> ObjectStore::prepare_update_locked(const ResourceType& type, const std::string& name,
                                                                   const json& current, json body,
                                                                   bool status_subresource) {
  if (!body.is_object() || !body.contains("metadata") || !body["metadata"].is_object())
    return bad_request("the body of the request was not a JSON object with metadata");
  if (body["metadata"].value("name", name) != name)
    return bad_request("the name of the object (" + body["metadata"].value("name", "") +
                       ") does not match the name on the URL (" + name + ")");
  std::string want_rv = body["metadata"].value("resourceVersion", "");
  if (!want_rv.empty() && want_rv != current["metadata"].value("resourceVersion", ""))
    return conflict(type.group, type.plural, name);

  json next;
  if (status_subresource) {
    next = current;
    if (body.contains("status")) next["status"] = body["status"]; else next.erase("status");
  } else {
    next = body;
    if (type.has_status) {
      if (current.contains("status")) next["status"] = current["status"]; else next.erase("status");
    }
    json& meta = next["metadata"];
    for (const char* kept : {"uid", "creationTimestamp", "deletionTimestamp", "generation", "namespace"}) {
      if (current["metadata"].contains(kept)) meta[kept] = current["metadata"][kept]; else meta.erase(kept);
    }
    // A finalizer may be removed from an object being deleted, but not added.
    if (current["metadata"].contains("deletionTimestamp")) {
      json allowed = json::array();
      for (const auto& f : meta.value("finalizers", json::array()))
        for (const auto& c : current["metadata"].value("finalizers", json::array()))
          if (f == c) allowed.push_back(f);
      if (allowed.empty()) meta.erase("finalizers"); else meta["finalizers"] = allowed;
    }
  }
  next["apiVersion"] = type.group_version();
  next["kind"] = type.kind;
  next["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
  if (type.storage_key() == kWebhookConfigs)
    if (std::string why = default_and_check_webhook_configuration(next); !why.empty())
      return invalid(qualified_kind(type), name, why);
  if (next == current) return next;
  if (spec_part(next) != spec_part(current))
    next["metadata"]["generation"] = current["metadata"].value("generation", 1) + 1;
  if (type.storage_key() == kCrds) {
    if (std::string why = check_crd(next); !why.empty()) return invalid(type.kind, name, why);
    accept_crd(next);
  }
  return next;
}

StoreResult ObjectStore::commit_update_locked(const ResourceType& type, const std::string& key, json next) {
  Bucket& bucket = objects_[type.storage_key()];
  const json& current = bucket.at(key);
  if (next == current) return current;  // a no-op write does not bump the resourceVersion
  if (next["metadata"].contains("deletionTimestamp") && next["metadata"].value("finalizers", json::array()).empty()) {
    bucket[key] = next;
    erase_locked(type.storage_key(), key, Propagation::kBackground);
    return next;
  }
  if (type.storage_key() == kCrds) registry_.install_crd(next);
  next["metadata"]["resourceVersion"] = std::to_string(bump_locked());
  bucket[key] = next;
  record_locked("MODIFIED", type.storage_key(), next);
  return next;
}

StoreResult ObjectStore::patch(const ResourceType& type, const std::string& ns, const std::string& name,
                               PatchKind kind, const json& patch, bool status_subresource,
                               const WriteOptions& options) {
  auto apply = [&](const json& current) -> std::variant<json, ApiFailure> {
    json patched;
    switch (kind) {
      case PatchKind::kMerge:
        patched = apply_merge_patch(current, patch);
        break;
      case PatchKind::kStrategic:
        patched = apply_strategic_merge_patch(current, patch);
        break;
      case PatchKind::kJson: {
        std::string error;
        auto result = apply_json_patch(current, patch, &error);
        if (!result) return ApiFailure{422, "Invalid", "the JSON patch could not be applied: " + error, nullptr};
        patched = *result;
        break;
      }
    }
    if (!patched.is_object() || !patched.contains("metadata") || !patched["metadata"].is_object())
      return ApiFailure{422, "Invalid", "the patch removed the object's metadata", nullptr};
    // A patch carries a resourceVersion only when the caller wants the write to be conditional.
    if (!patch.is_object() || !patch.contains("metadata") || !patch["metadata"].contains("resourceVersion"))
      patched["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"];
    return patched;
  };
  return write_update(type, ns, name, apply, status_subresource, options);
}

}  // namespace peregrine::apiserver
