// liminald entry point (placeholder until the daemon wiring lands).
#include <cstdio>
int main() {
  std::puts("liminald: not yet wired");
  return 0;
}
