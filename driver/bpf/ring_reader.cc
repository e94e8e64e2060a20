#include "driver/bpf/ring_reader.h"

#include <linux/bpf.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace peregrine::driver {
namespace {

uint64_t load_acquire(const void* p) {
  return __atomic_load_n(static_cast<const uint64_t*>(p), __ATOMIC_ACQUIRE);
}
uint32_t load_acquire32(const void* p) {
  return __atomic_load_n(static_cast<const uint32_t*>(p), __ATOMIC_ACQUIRE);
}
void store_release(void* p, uint64_t v) { __atomic_store_n(static_cast<uint64_t*>(p), v, __ATOMIC_RELEASE); }

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<RingReader>> RingReader::open(int map_fd, uint32_t data_bytes) {
  if (data_bytes == 0 || (data_bytes & (data_bytes - 1)) != 0) {
    return make_error("ring buffer size " + std::to_string(data_bytes) + " is not a power of two");
  }
  std::unique_ptr<RingReader> r(new RingReader());
  r->page_size_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  r->mask_ = data_bytes - 1;
  r->consumer_page_ = mmap(nullptr, r->page_size_, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
  if (r->consumer_page_ == MAP_FAILED) {
    r->consumer_page_ = nullptr;
    return make_error("mapping the ring buffer's consumer page failed: " + errno_text());
  }
  r->producer_area_bytes_ = r->page_size_ + 2 * static_cast<size_t>(data_bytes);
  r->producer_area_ = mmap(nullptr, r->producer_area_bytes_, PROT_READ, MAP_SHARED, map_fd,
                           static_cast<off_t>(r->page_size_));
  if (r->producer_area_ == MAP_FAILED) {
    r->producer_area_ = nullptr;
    return make_error("mapping the ring buffer's data failed: " + errno_text());
  }
  r->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (r->epoll_fd_ < 0) return make_error("creating an epoll instance failed: " + errno_text());
  epoll_event ev{};
  ev.events = EPOLLIN;
  if (epoll_ctl(r->epoll_fd_, EPOLL_CTL_ADD, map_fd, &ev) != 0) {
    return make_error("watching the ring buffer with epoll failed: " + errno_text());
  }
  return r;
}

RingReader::~RingReader() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (producer_area_ != nullptr) munmap(producer_area_, producer_area_bytes_);
  if (consumer_page_ != nullptr) munmap(consumer_page_, page_size_);
}

size_t RingReader::consume(const RecordCallback& on_record) {
  const auto* data = static_cast<const uint8_t*>(producer_area_) + page_size_;
  uint64_t cons = load_acquire(consumer_page_);
  uint64_t published = cons;
  uint64_t prod = load_acquire(producer_area_);
  size_t delivered = 0;
  while (cons < prod) {
    const uint8_t* hdr = data + (cons & mask_);
    const uint32_t len = load_acquire32(hdr);
    if (len & BPF_RINGBUF_BUSY_BIT) break;  // reserved, not committed yet: the next drain
    const uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    const uint64_t next = cons + ((uint64_t{size} + BPF_RINGBUF_HDR_SZ + 7) & ~uint64_t{7});
    if (next > prod) break;  // a length past what was produced: never read beyond it
    if ((len & BPF_RINGBUF_DISCARD_BIT) == 0) {
      on_record({hdr + BPF_RINGBUF_HDR_SZ, size});
      ++delivered;
    }
    cons = next;
    if (cons - published >= kPublishBytes) {
      store_release(consumer_page_, cons);
      published = cons;
    }
    if (cons == prod) prod = load_acquire(producer_area_);  // written meanwhile
  }
  if (cons != published) store_release(consumer_page_, cons);
  return delivered;
}

}  // namespace peregrine::driver
