// `liminal` command-line tool entry point (placeholder until the frame command lands).
#include <cstdio>
int main() {
  std::puts("liminal: not yet wired");
  return 0;
}
