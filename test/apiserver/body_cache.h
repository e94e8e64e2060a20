#pragma once
// Serialised objects as the server last sent them, by object and resourceVersion: a GET of an
// unchanged object is served from here without copying it out of the store under the store's
// lock or serialising it again. At 1,000 FalcoRules a rule bundle is a ~700 KiB ConfigMap that
// 100 agents GET within a second; copied and dumped per GET under the one store lock, those
// GETs queued every other request (the operator's own writes among them) behind them.
// The bytes are those a fresh dump would produce (the object at that resourceVersion, with the
// requested apiVersion), so what a client sees does not change.
//
// Thread-safe. Entries are replaced when their object changes and dropped when it is deleted
// through the API; objects removed by cascade leave an entry that is never served (its object
// no longer exists) until the cache is full and cleared.

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace peregrine::apiserver {

class BodyCache {
 public:
  // The body for `object_key` at exactly `resource_version` and `group_version`, else null.
  std::shared_ptr<const std::string> find(const std::string& object_key, const std::string& resource_version,
                                          const std::string& group_version) const;
  void put(const std::string& object_key, const std::string& resource_version, const std::string& group_version,
           std::shared_ptr<const std::string> body);
  void erase(const std::string& object_key);

 private:
  struct Entry {
    std::string resource_version, group_version;
    std::shared_ptr<const std::string> body;
  };
  static constexpr size_t kMaxEntries = 4096;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace peregrine::apiserver
