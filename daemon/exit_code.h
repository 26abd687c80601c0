// liminald's process exit codes, shared by main() and the daemon so scripts and tests can
// tell failures apart.
//
//   0  kOk               clean exit (including a graceful shutdown on SIGTERM/SIGINT)
//   1  kInvalidConfig    the configuration is invalid (also `--check` on a bad config)
//   2  kUsage            bad command line
//   3  kStartupFailed    could not start (for example a listener could not bind)
//   4  kShutdownFailed   the graceful shutdown failed (for example flushing durable state)
#ifndef LIMINAL_DAEMON_EXIT_CODE_H_
#define LIMINAL_DAEMON_EXIT_CODE_H_

namespace liminal::daemon {

enum ExitCode : int {
  kOk = 0,
  kInvalidConfig = 1,
  kUsage = 2,
  kStartupFailed = 3,
  kShutdownFailed = 4,
};

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_EXIT_CODE_H_
