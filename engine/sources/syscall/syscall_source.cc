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

FieldExtractor SyscallSource::extractor(const FieldRef& field) const {
  if (!field.info) return nullptr;
  const uint32_t id = field.info->id;
  if (id < kGenericFieldCount) return nullptr;
  if (id < kProcFieldsBegin) return evt_field_extractor(id);
  if (id < kFdFieldsBegin) return proc_field_extractor(id);
  if (id < kUserFieldsBegin) return fd_field_extractor(id);
  if (id < kContainerFieldsBegin) return &as_field_extractor<extract_user_field>;
  if (id < kSyscallFieldCount) return container_field_extractor(id);
  return nullptr;
}

}  // namespace peregrine::engine
