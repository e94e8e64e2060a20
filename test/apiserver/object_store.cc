#include "test/apiserver/object_store.h"

#include "test/apiserver/object_meta.h"
#include "test/apiserver/patch.h"
#include "test/apiserver/webhook_config.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

const char* const kNamespaces = "/namespaces";
const char* const kCrds = "apiextensions.k8s.io/customresourcedefinitions";
const char* const kWebhookConfigs = "admissionregistration.k8s.io/validatingwebhookconfigurations";

std::string qualified_kind(const ResourceType& type) {
  return type.group.empty() ? type.kind : type.kind + "." + type.group;
}

// The part of an object whose change bumps metadata.generation: everything but metadata and status.
json spec_part(const json& obj) {
  json copy = obj;
  copy.erase("metadata");
  copy.erase("status");
  return copy;
}

std::string hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(const std::string& s) {
  std::string out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out += static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16));
  return out;
}

// Fills in the fields the real control plane would set right after a CRD is created.
void accept_crd(json& crd) {
  crd["status"]["acceptedNames"] = crd["spec"]["names"];
  crd["status"]["storedVersions"] = json::array();
  for (const auto& v : crd["spec"].value("versions", json::array()))
    if (v.value("storage", false)) crd["status"]["storedVersions"].push_back(v.value("name", ""));
  std::string now = now_rfc3339();
  crd["status"]["conditions"] = {
      {{"type", "NamesAccepted"}, {"status", "True"}, {"reason", "NoConflicts"}, {"message", "no conflicts found"},
       {"lastTransitionTime", now}},
      {{"type", "Established"}, {"status", "True"}, {"reason", "InitialNamesAccepted"},
       {"message", "the initial names have been accepted"}, {"lastTransitionTime", now}}};
}

std::string check_crd(const json& crd) {
  const json spec = crd.value("spec", json::object());
  const json names = spec.value("names", json::object());
  std::string group = spec.value("group", ""), plural = names.value("plural", "");
  if (group.empty()) return "spec.group: Required value";
  if (plural.empty()) return "spec.names.plural: Required value";
  if (names.value("kind", "").empty()) return "spec.names.kind: Required value";
  if (crd["metadata"].value("name", "") != plural + "." + group)
    return "metadata.name: Invalid value: must be spec.names.plural+\".\"+spec.group";
  if (!spec.contains("versions") || !spec["versions"].is_array() || spec["versions"].empty())
    return "spec.versions: Invalid value: must have exactly one version marked as storage version";
  return "";
}

}  // namespace

ObjectStore::ObjectStore(size_t history_size) : history_size_(history_size) {
  for (const char* ns : {"default", "kube-system", "kube-public"}) {
    json obj = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}};
    ResourceType t = *registry_.find("", "v1", "namespaces");
    std::get<json>(create(t, "", obj));
  }
}

std::optional<ResourceType> ObjectStore::resolve(const std::string& group, const std::string& version,
                                                 const std::string& plural) const {
  std::lock_guard lock(mu_);
  const ResourceType* t = registry_.find(group, version, plural);
  if (!t) return std::nullopt;
  return *t;
}

json ObjectStore::api_group_list() const {
  std::lock_guard lock(mu_);
  return registry_.api_group_list();
}

std::optional<json> ObjectStore::resource_list(const std::string& group, const std::string& version) const {
  std::lock_guard lock(mu_);
  return registry_.resource_list(group, version);
}

uint64_t ObjectStore::bump_locked() { return ++rv_; }

void ObjectStore::record_locked(const std::string& type, const std::string& storage_key, const json& object) {
  history_.push_back({rv_, type, storage_key, object});
  while (history_.size() > history_size_) {
    oldest_available_ = history_.front().rv;
    history_.pop_front();
  }
  if (history_size_ == 0) oldest_available_ = rv_;
  changed_.notify_all();
}

StoreResult ObjectStore::get(const ResourceType& type, const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mu_);
  auto bucket = objects_.find(type.storage_key());
  if (bucket != objects_.end()) {
    auto it = bucket->second.find(key_of(ns, name));
    if (it != bucket->second.end()) return it->second;
  }
  return not_found(type.group, type.plural, name);
}

StoreResult ObjectStore::list(const ResourceType& type, const ListQuery& query) const {
  std::lock_guard lock(mu_);
  json items = json::array();
  std::string next;
  auto bucket = objects_.find(type.storage_key());
  if (bucket != objects_.end()) {
    auto it = query.continue_token.empty() ? bucket->second.begin()
                                           : bucket->second.upper_bound(unhex(query.continue_token));
    for (; it != bucket->second.end(); ++it) {
      const json& obj = it->second;
      if (!query.ns.empty() && obj["metadata"].value("namespace", "") != query.ns) continue;
      if (query.labels && !query.labels->matches_labels(obj)) continue;
      if (query.fields && !query.fields->matches_fields(obj)) continue;
      if (query.limit && items.size() == query.limit) {
        next = hex(std::prev(it)->first);
        break;
      }
      items.push_back(obj);
    }
  }
  return json{{"items", items}, {"resourceVersion", std::to_string(rv_)}, {"continue", next}};
}

std::optional<ApiFailure> ObjectStore::validate_new_locked(const ResourceType& type, const std::string& ns,
                                                           json& body) {
  if (!body.is_object()) return bad_request("the body of the request was not a JSON object");
  if (body.contains("kind") && body["kind"] != type.kind)
    return bad_request("the kind of the object (" + body["kind"].dump() + ") does not match the endpoint (" +
                       type.kind + ")");
  if (!body.contains("metadata") || !body["metadata"].is_object()) body["metadata"] = json::object();
  json& meta = body["metadata"];
  if (meta.value("name", "").empty() && !meta.value("generateName", "").empty())
    meta["name"] = meta["generateName"].get<std::string>() + random_suffix(5);
  std::string name = meta.value("name", "");
  if (std::string why = check_object_name(name); !why.empty())
    return invalid(type.kind, name, "metadata.name: Invalid value: \"" + name + "\": " + why);
  if (type.namespaced) {
    std::string body_ns = meta.value("namespace", "");
    if (!body_ns.empty() && body_ns != ns)
      return bad_request("the namespace of the provided object does not match the namespace sent on the request");
    if (!objects_[kNamespaces].count(key_of("", ns)))
      return not_found("", "namespaces", ns);
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }
  if (type.storage_key() == kCrds)
    if (std::string why = check_crd(body); !why.empty()) return invalid(type.kind, name, why);
  if (type.storage_key() == kWebhookConfigs)
    if (std::string why = default_and_check_webhook_configuration(body); !why.empty())
      return invalid(qualified_kind(type), name, why);
  return std::nullopt;
}

StoreResult ObjectStore::create(const ResourceType& type, const std::string& ns, json body,
                               const WriteOptions& options) {
  std::unique_lock lock(mu_);
  if (auto failure = validate_new_locked(type, ns, body)) return *failure;
  json& meta = body["metadata"];
  const std::string name = meta["name"];
  std::string key = key_of(type.namespaced ? ns : "", name);
  if (objects_[type.storage_key()].count(key)) return already_exists(type.group, type.plural, name);

  body["apiVersion"] = type.group_version();
  body["kind"] = type.kind;
  meta["uid"] = new_uid();
  meta["creationTimestamp"] = now_rfc3339();
  meta["generation"] = 1;
  meta.erase("deletionTimestamp");
  meta.erase("resourceVersion");
  if (type.has_status && !type.crd_name.empty()) body.erase("status");
  if (type.kind == "Namespace") body["status"] = {{"phase", "Active"}};
  if (type.kind == "Pod" && !body.contains("status")) body["status"] = {{"phase", "Pending"}};
  if (type.storage_key() == kCrds) accept_crd(body);

  if (options.admit) {
    lock.unlock();
    WriteAttempt attempt{"CREATE", &type, type.namespaced ? ns : "", name, "", &body, nullptr};
    if (auto refused = options.admit(attempt)) return *refused;
    lock.lock();
    // The world may have moved while the webhooks ran.
    if (type.namespaced && !objects_[kNamespaces].count(key_of("", ns))) return not_found("", "namespaces", ns);
    if (objects_[type.storage_key()].count(key)) return already_exists(type.group, type.plural, name);
  }
  if (options.dry_run) return body;
  if (type.storage_key() == kCrds) registry_.install_crd(body);
  body["metadata"]["resourceVersion"] = std::to_string(bump_locked());
  objects_[type.storage_key()][key] = body;
  record_locked("ADDED", type.storage_key(), body);
  return body;
}

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

std::vector<ResourceType> ObjectStore::equivalents(const ResourceType& type) const {
  std::lock_guard lock(mu_);
  std::vector<ResourceType> out;
  for (const ResourceType* t : registry_.all())
    if (t->storage_key() == type.storage_key() && t->version != type.version) out.push_back(*t);
  return out;
}

StoreResult ObjectStore::remove(const ResourceType& type, const std::string& ns, const std::string& name,
                                Propagation propagation, const std::string& precondition_rv,
                                const WriteOptions& options) {
  std::unique_lock lock(mu_);
  std::string key = key_of(type.namespaced ? ns : "", name);
  auto find = [&]() -> std::variant<json*, ApiFailure> {
    Bucket& bucket = objects_[type.storage_key()];
    auto it = bucket.find(key);
    if (it == bucket.end()) return not_found(type.group, type.plural, name);
    if (!precondition_rv.empty() && precondition_rv != it->second["metadata"].value("resourceVersion", ""))
      return conflict(type.group, type.plural, name);
    return &it->second;
  };
  auto found = find();
  if (auto* failure = std::get_if<ApiFailure>(&found)) return *failure;
  if (options.admit) {
    const json old = *std::get<json*>(found);
    lock.unlock();
    WriteAttempt attempt{"DELETE", &type, type.namespaced ? ns : "", name, "", nullptr, &old};
    if (auto refused = options.admit(attempt)) return *refused;
    lock.lock();
    found = find();
    if (auto* failure = std::get_if<ApiFailure>(&found)) return *failure;
  }
  json& obj = *std::get<json*>(found);
  const bool finalized = !obj["metadata"].value("finalizers", json::array()).empty();
  if (options.dry_run) {
    json preview = obj;
    if (finalized && !preview["metadata"].contains("deletionTimestamp"))
      preview["metadata"]["deletionTimestamp"] = now_rfc3339();
    return preview;
  }
  if (finalized) {
    if (!obj["metadata"].contains("deletionTimestamp")) {
      obj["metadata"]["deletionTimestamp"] = now_rfc3339();
      obj["metadata"]["deletionGracePeriodSeconds"] = 0;
      obj["metadata"]["resourceVersion"] = std::to_string(bump_locked());
      record_locked("MODIFIED", type.storage_key(), obj);
    }
    return obj;
  }
  json removed = obj;
  erase_locked(type.storage_key(), key, propagation);
  return removed;
}

}  // namespace peregrine::apiserver
