#include "test/apiserver/object_store.h"

#include "test/apiserver/object_meta.h"
#include "test/apiserver/object_rules.h"
#include "test/apiserver/webhook_config.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

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

std::optional<std::string> ObjectStore::resource_version(const ResourceType& type, const std::string& ns,
                                                         const std::string& name) const {
  std::lock_guard lock(mu_);
  auto bucket = objects_.find(type.storage_key());
  if (bucket == objects_.end()) return std::nullopt;
  auto it = bucket->second.find(key_of(ns, name));
  if (it == bucket->second.end()) return std::nullopt;
  return it->second["metadata"].value("resourceVersion", "");
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
