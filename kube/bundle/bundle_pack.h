#pragma once
// The pack layout of a rule bundle (operator/README.md "Bundle contract"): a large bundle's
// files travel as one gzip'd binaryData entry, and its manifest.json names only that entry —
//   "pack": {"object": "<ConfigMap>", "key": "files.pack.gz", "sha256": "<hex>", "size": N}
// so the manifest every agent GETs and parses does not grow with the number of files.
// The uncompressed pack (N bytes, sha256 over all of them) is
//   <index: one line of JSON> "\n" <text of file 0> <text of file 1> ...
//   index = {"files": [{"name": "...", "tenant": "...", "size": <bytes of its text>}, ...],
//            "rules": [...]}   (rules: the operator's record of each file, passed on as is)
// The texts follow the index in its order with no gaps; their sizes add up to the rest of the
// pack exactly. The one sha256 covers the index and every text, so files carry no hash of
// their own. Pure functions; every error is one line.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace peregrine::kube::bundle {

struct PackedFile {
  std::string name;
  std::string tenant;
  std::string text;
};

struct PackContents {
  std::vector<PackedFile> files;  // load order
  nlohmann::json rules = nlohmann::json::array();  // as written; the agents do not read it
};

// Whether `name` may be a file name in the agent's bundle folder: one plain path component
// (not empty, not hidden, no '/' or NUL, at most 253 bytes). Every reader checks names with it.
bool safe_file_name(const std::string& name);

// The uncompressed pack of `files` (their rules[] record in `rules`, an array or null).
std::string write_pack(const std::vector<PackedFile>& files, const nlohmann::json& rules);

// Whether parse_pack keeps the index's rules (the operator reads them; agents do not).
enum class PackRules { kKeep, kSkip };

// Splits an uncompressed pack whose sha256 the caller has checked: errors when the index is
// not one line of JSON, a name is not one plain path component or repeats, or the sizes do
// not add up to the texts that follow. With kSkip, PackContents::rules stays empty.
Result<PackContents> parse_pack(const std::string& pack, PackRules rules);

}  // namespace peregrine::kube::bundle
