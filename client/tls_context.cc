#include "client/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace liminal::client {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;

absl::StatusOr<std::shared_ptr<ssl::context>> MakeClientTlsContext(const TlsOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "TLS: a client certificate needs both a certificate file and its key file");
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_verify_mode(ssl::verify_peer);
  // An encrypted key would make OpenSSL prompt on the terminal: refuse it instead.
  context->set_password_callback(
      [](size_t, ssl::context::password_purpose) { return std::string(); });
  error_code ec;
  if (options.ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLS: cannot load the system's CA certificates: ", ec.message()));
    }
  } else {
    context->load_verify_file(options.ca_file, ec);
    if (ec) {
      ERR_clear_error();
      return absl::InvalidArgumentError(absl::StrCat(
          "TLS CA file '", options.ca_file, "' holds no readable PEM certificate: ", ec.message()));
    }
  }
  if (!options.cert_file.empty()) {
    // The key first: loaded after the certificate, a mismatched key would fail to load.
    context->use_private_key_file(options.key_file, ssl::context::pem, ec);
    if (ec) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("TLS key file '", options.key_file,
                       "' is not a readable unencrypted PEM key: ", ec.message()));
    }
    context->use_certificate_chain_file(options.cert_file, ec);
    if (ec) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("TLS certificate file '", options.cert_file,
                       "' is not a readable PEM certificate: ", ec.message()));
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
      ERR_clear_error();
      return absl::InvalidArgumentError(absl::StrCat("TLS key file '", options.key_file,
                                                     "' is not the key of certificate '",
                                                     options.cert_file, "'"));
    }
  }
  return context;
}

}  // namespace liminal::client
