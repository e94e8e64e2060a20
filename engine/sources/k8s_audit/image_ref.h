#pragma once
// The repository part of a container image reference, as `*.image.repository` fields report it.

#include <string_view>

namespace peregrine::engine::k8s_audit {

// `image` without its digest (`@sha256:...`) and tag (`:1.25`): "docker.io/library/nginx:1.25"
// → "docker.io/library/nginx". A registry port is kept ("registry:5000/app:v1" →
// "registry:5000/app"), because a ':' only starts a tag after the last '/'. The result is a view
// into `image`.
std::string_view image_repository(std::string_view image);

}  // namespace peregrine::engine::k8s_audit
