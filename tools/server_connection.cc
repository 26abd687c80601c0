#include "tools/server_connection.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/command.h"
#include "tools/duration_flag.h"
#include "tools/server_address.h"

namespace liminal::tools {

absl::StatusOr<std::unique_ptr<client::BlockingClient>> ConnectToServer(
    const GlobalOptions& global) {
  absl::StatusOr<config::HostPort> address = ParseServerAddress(global.server);
  if (!address.ok()) return address.status();
  absl::StatusOr<absl::Duration> timeout = ParseDurationFlag(global.connect_timeout);
  if (!timeout.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connect-timeout: ", timeout.status().message()));
  }
  client::ConnectionOptions options;
  options.auth_token = global.token;
  options.connect_timeout = *timeout;
  options.close_linger = absl::Milliseconds(500);
  options.tls.enabled = global.UseTls();
  options.tls.ca_file = global.ca_file;
  options.tls.cert_file = global.cert_file;
  options.tls.key_file = global.key_file;
  absl::StatusOr<std::unique_ptr<client::BlockingClient>> client =
      client::BlockingClient::Connect(address->host, address->port, options);
  if (!client.ok() && client.status().code() == absl::StatusCode::kInvalidArgument) {
    return client.status();  // unusable --ca/--cert/--key: a usage error
  }
  if (!client.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to liminald at ", address->ToString(), ": ", client.status().message()));
  }
  return client;
}

int ReportConnectFailure(std::ostream& err, std::string_view command, const absl::Status& status) {
  err << "liminal " << command << ": " << status.message() << std::endl;
  return status.code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitConnection;
}

}  // namespace liminal::tools
