#pragma once
// A rule bundle: what one group of nodes runs, rendered into the ConfigMaps (and Secret) of the
// cluster contract (operator/README.md "Bundle contract"):
//   peregrine-bundle-<h>           manifest.json + files (identity in data when small, else
//                                  packed: one gzip'd binaryData entry holding the file list,
//                                  the rules and the texts; the manifest names only the pack)
//   peregrine-bundle-<h>-<i>       parts, when the gzip'd files still do not fit in one object
//   Secret peregrine-bundle-<h>    the FalcoOutput credentials the outputs refer to
// <h> = first 16 hex chars of the sha256 of the canonical content (canonical_content()), so two
// nodes with the same rules share one bundle and an unchanged set renders the same name again.
// Pure and thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace peregrine::op {

// Which FalcoRule generation a file holds.
struct RuleRef {
  std::string ns, name, uid;
  int64_t generation = 0;
  bool operator==(const RuleRef&) const = default;
};

struct BundleFile {
  std::string name;    // NNN-<ns>-<name>.yaml (file_name())
  std::string tenant;  // "" cluster-wide
  std::string text;
  RuleRef rule;        // the manifest's rules[i] for files[i]
};

// One credential the outputs refer to: file <secrets_dir>/<dir>/<key> on the agent, taken from
// the bundle Secret's key `secret_key`.
struct SecretUse {
  std::string dir;  // <ns>.<secret>
  std::string key;
  std::string secret_key;
  std::string value;
};

struct BundleContent {
  std::vector<BundleFile> files;  // load order
  std::optional<std::string> outputs_yaml;
  std::vector<SecretUse> secrets;
};

struct BundleLimits {
  // Bytes of data per object before files are gzip'd / spilled into parts: under the API's
  // 1 MiB object limit with room for metadata and the manifest's growth.
  size_t object_budget = 900 * 1024;
  // Bytes of file text above which the files are packed into one gzip'd entry even when they
  // would fit as they are: every agent GETs, and the API server and every watcher serialise and
  // parse, the whole object, and one compressed entry costs a fraction of a thousand texts.
  size_t pack_above = 64 * 1024;
};

struct RenderedBundle {
  std::string hash;
  std::string name;                      // peregrine-bundle-<hash>
  nlohmann::json manifest;
  std::vector<nlohmann::json> config_maps;  // [0] the main object, then parts 1..n (ownerReferences
                                            // to the main object are added once its uid is known)
  std::optional<nlohmann::json> secret;
};

constexpr const char* kBundleLabel = "peregrine.dev/bundle";
constexpr const char* kBundlePartLabel = "peregrine.dev/bundle-part";
constexpr const char* kPartOfLabel = "app.kubernetes.io/part-of";
constexpr const char* kManifestKey = "manifest.json";
// binaryData key of the packed files: base64 of the gzip of the pack (kube/bundle/bundle_pack.h:
// an index of names, tenants, sizes and rules, then the texts), which the manifest's `pack`
// entry names with its sha256. (Bundles of the earlier packed layout, one manifest entry per
// file with encoding "pack", offset and size, are still read.)
constexpr const char* kPackKey = "files.pack.gz";

std::string file_name(size_t index, const std::string& ns, const std::string& name);
std::string bundle_object_name(const std::string& hash);

// What the hash covers: every file's name, tenant and text digest, the rule generations, the
// outputs text digest and every credential's digest, but not the layout (encoding, objects),
// which follows from the content.
std::string canonical_content(const BundleContent& content);
std::string bundle_hash(const BundleContent& content);

// An error when one gzip'd file alone exceeds the budget.
Result<RenderedBundle> render_bundle(const BundleContent& content, const std::string& ns,
                                     const BundleLimits& limits = {});

// Reads a bundle back from its main ConfigMap, fetching parts through `get_object` (name →
// ConfigMap, nullopt when missing). Secret values are not read (secrets[].value stays empty).
// Errors name the object or file that is missing or corrupt.
Result<BundleContent> read_bundle(const nlohmann::json& main_object,
                                  const std::function<std::optional<nlohmann::json>(const std::string&)>& get_object);

}  // namespace peregrine::op
