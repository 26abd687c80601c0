#include "io/runtime/accept_backoff.h"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <cerrno>

namespace liminal::io {

bool IsResourceExhaustion(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  switch (ec.value()) {
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return true;
    default:
      return false;
  }
}

AcceptErrorKind ClassifyAcceptError(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::operation_aborted || ec == boost::asio::error::bad_descriptor) {
    return AcceptErrorKind::kStopped;
  }
  if (IsResourceExhaustion(ec)) return AcceptErrorKind::kBackOff;
  if (ec.category() == boost::system::system_category()) {
    switch (ec.value()) {
      case ECONNABORTED:
      case EPROTO:
      case EPERM:
      case EINTR:
      case EAGAIN:
      case ENETDOWN:
      case ENOPROTOOPT:
      case EHOSTDOWN:
      case ENONET:
      case EHOSTUNREACH:
      case EOPNOTSUPP:
      case ENETUNREACH:
      case ETIMEDOUT:
        return AcceptErrorKind::kRetryNow;
      default:
        break;
    }
  }
  return AcceptErrorKind::kBackOff;
}

absl::Duration AcceptBackoff::Next() {
  const absl::Duration now = std::min(next_, max_);
  next_ = std::min(now * 2, max_);
  return now;
}

}  // namespace liminal::io
