#include "io/health/bind_acceptor.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <string>

#include "absl/strings/str_cat.h"

namespace liminal::io {

namespace asio = boost::asio;
using asio::ip::tcp;

absl::Status BindAcceptor(tcp::acceptor& acceptor, const config::HostPort& address,
                          absl::string_view what) {
  auto failed = [&](absl::string_view step, const boost::system::error_code& ec) {
    if (acceptor.is_open()) {
      boost::system::error_code ignored;
      acceptor.close(ignored);
    }
    return absl::UnavailableError(
        absl::StrCat("cannot ", step, " ", what, " ", address.ToString(), ": ", ec.message()));
  };
  boost::system::error_code ec;
  tcp::resolver resolver(acceptor.get_executor());
  const auto results =
      resolver.resolve(address.host, std::to_string(address.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return failed("resolve", ec);
  if (results.empty()) return failed("resolve", asio::error::host_not_found);
  const tcp::endpoint endpoint = results.begin()->endpoint();
  if (acceptor.open(endpoint.protocol(), ec); ec) return failed("open", ec);
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) return failed("open", ec);
  if (acceptor.bind(endpoint, ec); ec) return failed("bind", ec);
  if (acceptor.listen(tcp::socket::max_listen_connections, ec); ec) return failed("listen on", ec);
  return absl::OkStatus();
}

config::HostPort ToHostPort(const tcp::endpoint& endpoint) {
  return config::HostPort{endpoint.address().to_string(), endpoint.port()};
}

}  // namespace liminal::io
