// The client side of TLS: an asio::ssl::context built from TlsOptions (tls_options.h), used by
// ConnectionImpl for each connection that has options.tls.enabled.
//
//   absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context =
//       MakeClientTlsContext(options.tls);
//   if (!context.ok()) ...   // INVALID_ARGUMENT naming the file: "TLS CA file '/x': ..."
//
// The context verifies the peer (TLS 1.2+); the host name check is per connection
// (ssl::host_name_verification), since it depends on the host connected to.
#ifndef LIMINAL_CLIENT_TLS_CONTEXT_H_
#define LIMINAL_CLIENT_TLS_CONTEXT_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "absl/status/statusor.h"
#include "client/tls_options.h"

namespace liminal::client {

absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    const TlsOptions& options);

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_TLS_CONTEXT_H_
