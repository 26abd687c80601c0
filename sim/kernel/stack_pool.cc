#include "sim/kernel/stack_pool.h"

#include <cstdio>
#include <cstdlib>

namespace liminal::sim {

StackPool::StackPool(size_t stack_bytes) : stack_bytes_(stack_bytes) {}

StackPool::~StackPool() {
  for (void* block : all_) std::free(block);
}

boost::context::stack_context StackPool::Allocate() {
  void* block = nullptr;
  if (!free_.empty()) {
    block = free_.back();
    free_.pop_back();
  } else {
    block = std::malloc(stack_bytes_);
    if (block == nullptr) {
      std::fputs("liminal-sim: out of memory allocating a fiber stack\n", stderr);
      std::abort();
    }
    all_.push_back(block);
  }
  boost::context::stack_context stack;
  stack.size = stack_bytes_;
  stack.sp = static_cast<char*>(block) + stack_bytes_;
  return stack;
}

void StackPool::Deallocate(boost::context::stack_context& stack) {
  free_.push_back(static_cast<char*>(stack.sp) - stack.size);
}

}  // namespace liminal::sim
