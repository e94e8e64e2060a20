#include "operator/outputs/entry_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <yaml-cpp/yaml.h>

#include "outputs/config/config_context.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::op::outputs {
namespace {

// Stands in for a Secret value the caller did not provide. An https URL, because some keys
// (a Slack or Teams webhook URL) must be one; any other credential accepts any text.
constexpr const char* kPlaceholder = "https://secret.invalid/placeholder";

// A private folder (0700) removed with everything in it when the owner goes.
class TempDir {
 public:
  static Result<TempDir> create() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/peregrine-outputs-XXXXXX";
    if (!::mkdtemp(pattern.data())) return make_error("cannot create a temporary folder in " + pattern);
    return TempDir(pattern);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Status write_secret(const std::string& root, const SecretFile& s) {
  const std::string dir = root + "/" + s.ref.dir();
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return make_error("cannot create " + dir);
  const std::string file = dir + "/" + s.ref.key;
  // Created 0600 (less under a stricter umask): a real credential is never readable by others.
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return make_error("cannot write " + file);
  const std::string value = s.value.value_or(kPlaceholder);
  size_t done = 0;
  while (done < value.size()) {
    ssize_t n = ::write(fd, value.data() + done, value.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != value.size()) return make_error("cannot write " + file);
  return {};
}

std::string as_spec_error(std::string message, const std::string& entry_name) {
  const std::string prefix = "outputs[0] (" + entry_name + ")";
  if (message.starts_with(prefix)) return "spec" + message.substr(prefix.size());
  if (message.starts_with("outputs: ")) return "spec: " + message.substr(9);
  return message;
}

}  // namespace

Status check_entry_loads(const std::string& entry_yaml, const std::string& entry_name,
                         const std::vector<SecretFile>& secrets) {
  auto dir = TempDir::create();
  if (!dir.ok()) return dir.error();
  for (const auto& s : secrets)
    if (Status st = write_secret(dir->path(), s); !st) return st;
  YAML::Node root;
  try {
    root = YAML::Load(entry_yaml);
  } catch (const YAML::Exception& e) {
    return make_error(std::string("rendered entry is not YAML: ") + e.what());
  }
  peregrine::outputs::ConfigContext context;
  context.secrets_dir = dir->path();
  context.base_dir = "/";
  auto dispatcher = peregrine::outputs::Dispatcher::from_config(root["outputs"], context);
  if (!dispatcher.ok()) return make_error(as_spec_error(dispatcher.error().message, entry_name));
  (*dispatcher)->shutdown(std::chrono::seconds(0));
  return {};
}

}  // namespace peregrine::op::outputs
