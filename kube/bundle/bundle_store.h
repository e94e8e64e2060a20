#pragma once
// Where a verified bundle goes on the node: its files under <root>/<hash>/ (folders 0700,
// files 0600, root-only like the rules they hold), and its Secret values under
// <secrets_dir>/<dir>/<key>, where the outputs config's secret references read them.
// Each write goes to a temporary name first and is renamed into place, so a reader never
// sees half a file. Other bundles' folders are removed (prune_bundles) once a new one is in
// force, so the folder of the rules running stays while a newer bundle is refused.
// Not thread-safe: one caller (the bundle watch's thread).

#include <string>

#include "kube/bundle/bundle_manifest.h"
#include "common/result.h"

namespace peregrine::kube::bundle {

// The folder holding the bundle's files.
Result<std::string> store_bundle(const std::string& root, const Bundle& bundle);

// Removes every entry under `root` but the folder `keep` (a store_bundle result).
void prune_bundles(const std::string& root, const std::string& keep);

Status store_secrets(const std::string& secrets_dir, const Bundle& bundle);

}  // namespace peregrine::kube::bundle
