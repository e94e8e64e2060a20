#pragma once
// The set of resource types the test server serves: a fixed list of built-in kinds plus one
// entry per served version of every CustomResourceDefinition. Discovery documents, routing and
// Table printing all read from here. Not thread-safe: the caller (ObjectStore's lock) guards it.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace peregrine::apiserver {

struct ResourceType {
  std::string group;    // "" for the core group
  std::string version;
  std::string plural;
  std::string singular;
  std::string kind;
  bool namespaced = true;
  bool has_status = false;          // serves the /status subresource
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  nlohmann::json printer_columns = nlohmann::json::array();  // CRD additionalPrinterColumns
  std::string crd_name;             // owning CRD, empty for built-ins

  std::string group_version() const { return group.empty() ? version : group + "/" + version; }
  // The storage key of a resource ignores the version: every version shares the same objects.
  std::string storage_key() const { return group + "/" + plural; }
};

class ResourceRegistry {
 public:
  ResourceRegistry();  // registers the built-in kinds

  const ResourceType* find(const std::string& group, const std::string& version,
                           const std::string& plural) const;
  // Any served version of group/plural, used for garbage collection across versions.
  const ResourceType* find_any_version(const std::string& storage_key) const;
  std::vector<const ResourceType*> all() const;

  // Installs (or replaces) the resource types a CRD object defines; removes them with the CRD.
  void install_crd(const nlohmann::json& crd);
  void remove_crd(const std::string& crd_name);

  // Discovery documents (legacy, non-aggregated form; kubectl falls back to it).
  nlohmann::json api_versions() const;
  nlohmann::json api_group_list() const;
  std::optional<nlohmann::json> resource_list(const std::string& group, const std::string& version) const;

 private:
  void add(ResourceType t);
  std::vector<ResourceType> types_;
};

}  // namespace peregrine::apiserver
