# Build-time guard for the determinism contract: code in core/ may only reach the
# world through core/runtime seams. Run as `cmake -DCORE_DIR=... -DSTAMP=... -P`.
# Any forbidden include or call fails the build with the offending lines.
file(GLOB_RECURSE sources "${CORE_DIR}/*.h" "${CORE_DIR}/*.cc")
set(pattern "#include <(boost/|asio|thread>|filesystem>|random>|sys/|unistd\\.h|netinet/|arpa/|fcntl\\.h|spdlog|fmt/|toml|nlohmann)|std::(this_thread|thread[^_a-z]|random_device|getenv)|(system_clock|steady_clock|high_resolution_clock)::now|[^_a-zA-Z:.]s?rand\\(|getenv\\(|[^_a-zA-Z]sleep\\(|usleep\\(|absl::Now\\(|absl::SleepFor")
set(violations "")
foreach(source IN LISTS sources)
  file(STRINGS "${source}" lines REGEX "${pattern}")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "// seam-ok")
      string(APPEND violations "  ${source}: ${line}\n")
    endif()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "core/ must reach the world only through core/runtime seams:\n${violations}")
endif()
file(TOUCH "${STAMP}")
