#pragma once
// A rule bundle as the operator publishes it (cluster contract, /work/shared/DESIGN.md and
// kube/bundle/README.md): ConfigMap `peregrine-bundle-<h>` whose `manifest.json` lists the files
// in load order, each under its name in `data` (encoding identity) or `binaryData` (gzip) of
// the object it names — the main ConfigMap or a part `peregrine-bundle-<h>-<i>` — with the
// sha256 of its uncompressed text. A large bundle's manifest instead names one `pack`
// (kube/bundle/bundle_pack.h): the file list and texts are then inside that entry, checked by
// its one sha256.
//
// parse_manifest() reads manifest.json; assemble_bundle() takes the fetched objects and
// returns the verified texts. Every error is one line naming the file or object at fault.
// Pure functions.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace peregrine::kube::bundle {

struct ManifestFile {
  std::string name;
  std::string tenant;  // "" for cluster-wide files
  std::string object;  // the ConfigMap holding the text
  std::string encoding;  // "identity" or "gzip"
  std::string sha256;  // lower-case hex of the uncompressed text
};

// binaryData key of the pack layout's one entry (bundle_pack.h).
inline constexpr const char* kPackKey = "files.pack.gz";

struct ManifestSecret {
  std::string dir;         // "<ns>.<secret>": the folder under the secrets dir
  std::string key;         // the file in that folder
  std::string secret_key;  // the key in the bundle Secret
};

// The pack layout: every file is in the gzip'd binaryData `key` of `object`; `sha256` and
// `size` are of the uncompressed pack.
struct ManifestPack {
  std::string object;
  std::string key;
  std::string sha256;
  size_t size = 0;
};

struct Manifest {
  int version = 0;
  std::string hash;
  std::vector<ManifestFile> files;  // empty when `pack` holds them
  std::optional<ManifestPack> pack;
  std::optional<ManifestFile> outputs;
  std::string secret;  // the bundle Secret's name; empty when none
  std::vector<ManifestSecret> secrets;

  // Every ConfigMap the files, the pack and the outputs live in (the main object included).
  std::set<std::string> objects() const;
};

Result<Manifest> parse_manifest(const std::string& text);

struct BundleFile {
  std::string name;
  std::string tenant;
  std::string text;
};

struct BundleSecretFile {
  std::string dir;
  std::string key;
  std::string value;
};

struct Bundle {
  std::string hash;
  std::vector<BundleFile> files;  // manifest order
  std::optional<BundleFile> outputs;
  std::vector<BundleSecretFile> secrets;
};

// `objects`: ConfigMaps by name (each one the manifest names must be there); `secret`: the
// bundle Secret when the manifest names one, else null.
Result<Bundle> assemble_bundle(const Manifest& manifest, const std::map<std::string, nlohmann::json>& objects,
                               const nlohmann::json* secret);

// Lower-case hex sha256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
// gunzip; errors when `bytes` is not gzip or inflates past `limit`.
Result<std::string> gunzip(std::string_view bytes, size_t limit = 64u << 20);

}  // namespace peregrine::kube::bundle
