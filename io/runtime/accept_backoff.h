// The accept loop's retry policy: how to react to a failed accept(2), and how long to back
// off. AsioListener uses it; it is separate so the policy can be tested without exhausting
// file descriptors.
//
//   AcceptBackoff backoff;   // 10ms, 20ms, 40ms, ... capped at 1s
//   switch (ClassifyAcceptError(ec)) {
//     case AcceptErrorKind::kStopped:       return;                    // listener closed
//     case AcceptErrorKind::kRetryNow:      accept again;              // one connection failed
//     case AcceptErrorKind::kBackOff:       wait backoff.Next(); ...   // EMFILE, ENOBUFS, ...
//   }
//   backoff.Reset();         // after a successful accept
//
// Resource exhaustion (EMFILE, ENFILE, ENOBUFS, ENOMEM) is transient: the listener keeps
// its socket and retries after the delay instead of spinning on an error that repeats until
// a descriptor is freed. Errors that concern only the connection being accepted
// (ECONNABORTED, EPROTO, EPERM from a firewall, EINTR) are retried at once. Anything else is
// unexpected and also backed off, so no error can make the loop spin.
//
// Thread-compatible (AcceptBackoff is used on the listener's strand only).
#ifndef LIMINAL_IO_RUNTIME_ACCEPT_BACKOFF_H_
#define LIMINAL_IO_RUNTIME_ACCEPT_BACKOFF_H_

#include <boost/system/error_code.hpp>

#include "absl/time/time.h"

namespace liminal::io {

enum class AcceptErrorKind {
  kStopped,   // operation_aborted / bad descriptor: the listener was stopped
  kRetryNow,  // the failure concerned one connection only
  kBackOff,   // transient resource exhaustion, or an unexpected error
};

AcceptErrorKind ClassifyAcceptError(const boost::system::error_code& ec);

// True for EMFILE, ENFILE, ENOBUFS, ENOMEM.
bool IsResourceExhaustion(const boost::system::error_code& ec);

class AcceptBackoff {
 public:
  explicit AcceptBackoff(absl::Duration initial = absl::Milliseconds(10),
                         absl::Duration max = absl::Seconds(1))
      : initial_(initial), max_(max), next_(initial) {}

  // The delay to wait now; each call doubles the next one, up to `max`.
  absl::Duration Next();
  // Back to `initial` (after a successful accept).
  void Reset() { next_ = initial_; }

 private:
  absl::Duration initial_;
  absl::Duration max_;
  absl::Duration next_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_ACCEPT_BACKOFF_H_
