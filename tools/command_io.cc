#include "tools/command_io.h"

#include <unistd.h>

#include <iostream>

namespace liminal::tools {

CommandIo StandardIo() {
  return CommandIo{.in_fd = STDIN_FILENO,
                   .out = std::cout,
                   .err = std::cerr,
                   .in_is_terminal = ::isatty(STDIN_FILENO) == 1,
                   .err_is_terminal = ::isatty(STDERR_FILENO) == 1};
}

}  // namespace liminal::tools
