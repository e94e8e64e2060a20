#pragma once
// Splitting a container image reference into the parts Falco's container.image.* fields show:
//   "docker.io/library/nginx:1.25"        repository "docker.io/library/nginx", tag "1.25"
//   "registry:5000/team/app"              repository "registry:5000/team/app", no tag
//   "nginx@sha256:<hex>"                  repository "nginx", digest "sha256:<hex>"
//   "ghcr.io/a/b:v1@sha256:<hex>"         repository "ghcr.io/a/b", tag "v1", digest
// A ':' counts as a tag separator only after the last '/', so a registry port is never read as
// a tag. No tag stays empty (Kubernetes reports normalised references, "...:latest" included,
// so nothing is guessed). Pure functions.

#include <string>
#include <string_view>

namespace peregrine::agent::cluster {

struct ImageRef {
  std::string repository;
  std::string tag;
  std::string digest;  // "sha256:<hex>", or empty
};

ImageRef parse_image_ref(std::string_view image);

// The digest ("sha256:<hex>") inside a pod status imageID, whichever runtime wrote it:
// "docker.io/library/nginx@sha256:<hex>", "docker-pullable://nginx@sha256:<hex>",
// "sha256:<hex>". Empty when there is none.
std::string digest_of_image_id(std::string_view image_id);

}  // namespace peregrine::agent::cluster
