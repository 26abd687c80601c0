// Fiber stacks for one run, recycled: a finished fiber's stack goes back to the pool and
// the next fiber reuses it, so a run with thousands of short fibers (timers, deliveries,
// monitors) maps only as many stacks as were ever alive at once. Owned by the kernel;
// nothing is shared between runs.
//
//   StackPool pool(256 * 1024);
//   boost::context::fiber f(std::allocator_arg, PooledStack(pool), body);
#ifndef LIMINAL_SIM_KERNEL_STACK_POOL_H_
#define LIMINAL_SIM_KERNEL_STACK_POOL_H_

#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <vector>

namespace liminal::sim {

class StackPool {
 public:
  explicit StackPool(size_t stack_bytes);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context Allocate();
  void Deallocate(boost::context::stack_context& stack);
  size_t allocated() const { return all_.size(); }

 private:
  size_t stack_bytes_;
  std::vector<void*> free_;
  std::vector<void*> all_;
};

// The Boost.Context StackAllocator concept over a StackPool (cheap to copy).
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool) : pool_(&pool) {}
  boost::context::stack_context allocate() { return pool_->Allocate(); }
  void deallocate(boost::context::stack_context& stack) noexcept { pool_->Deallocate(stack); }

 private:
  StackPool* pool_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_STACK_POOL_H_
