// BindAcceptor: opens, binds and starts listening on a TCP acceptor for a configured
// host:port, turning every failure into an operator-readable status. Used by the health
// endpoint and by the daemon's protocol listener.
//
//   boost::asio::ip::tcp::acceptor acceptor(io);
//   absl::Status s = BindAcceptor(acceptor, {"127.0.0.1", 0}, "health listener");
//   // s: "cannot bind health listener 127.0.0.1:7401: Address already in use"
//   acceptor.local_endpoint().port();   // the bound port (ephemeral when 0 was asked for)
//
// The host may be an IP literal or a name (resolved once, first address wins). SO_REUSEADDR
// is set so a restart does not wait for TIME_WAIT sockets.
#ifndef LIMINAL_IO_HEALTH_BIND_ACCEPTOR_H_
#define LIMINAL_IO_HEALTH_BIND_ACCEPTOR_H_

#include <boost/asio/ip/tcp.hpp>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/config/host_port.h"

namespace liminal::io {

// `what` names the listener in error messages ("health listener").
absl::Status BindAcceptor(boost::asio::ip::tcp::acceptor& acceptor, const config::HostPort& address,
                          absl::string_view what);

// The bound address of an acceptor or socket endpoint as host:port ("[::1]:7400" for IPv6).
config::HostPort ToHostPort(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace liminal::io

#endif  // LIMINAL_IO_HEALTH_BIND_ACCEPTOR_H_
