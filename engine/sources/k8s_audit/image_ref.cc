#include "engine/sources/k8s_audit/image_ref.h"

namespace peregrine::engine::k8s_audit {

std::string_view image_repository(std::string_view image) {
  // A digest may follow a tag ("app:v1@sha256:..."), so it goes first.
  if (size_t at = image.find('@'); at != std::string_view::npos) image = image.substr(0, at);
  size_t colon = image.rfind(':');
  size_t slash = image.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    image = image.substr(0, colon);
  }
  return image;
}

}  // namespace peregrine::engine::k8s_audit
