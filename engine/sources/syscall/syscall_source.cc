#include "engine/sources/syscall/syscall_source.h"

#include "engine/sources/generic_fields.h"
#include "engine/sources/syscall/extractors.h"
#include "engine/sources/syscall/syscall_field_ids.h"

namespace peregrine::engine {

SyscallSource::SyscallSource(std::string hostname) : hostname_(std::move(hostname)) {}

bool SyscallSource::extract(const Event& event, const FieldRef& field, Extraction& out) const {
  if (!field.info) return false;
  const uint32_t id = field.info->id;
  if (id < kGenericFieldCount) return extract_generic_field(event, field, name(), hostname_, out);

  const auto& e = static_cast<const SyscallEvent&>(event);
  if (id < kProcFieldsBegin) return extract_evt_field(e, field, out);
  if (id < kFdFieldsBegin) return extract_proc_field(e, field, out);
  if (id < kUserFieldsBegin) return extract_fd_field(e, field, out);
  if (id < kContainerFieldsBegin) return extract_user_field(e, field, out);
  if (id < kSyscallFieldCount) return extract_container_field(e, field, out);
  return false;
}

}  // namespace peregrine::engine
