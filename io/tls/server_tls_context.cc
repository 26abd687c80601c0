#include "io/tls/server_tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace liminal::io {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;

namespace {

constexpr unsigned char kSessionIdContext[] = "liminald";

std::string Reason(const error_code& ec) {
  std::string reason = ec.message();
  return reason.empty() ? std::string("unknown OpenSSL error") : reason;
}

// Builds the context, recording each problem under its key; the context is usable only when
// nothing was recorded.
std::shared_ptr<ssl::context> Build(const config::TlsConfig& tls, TlsListenerRole role,
                                    config::ConfigErrors& errors) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  context->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
  // An encrypted key would make OpenSSL prompt on the terminal: refuse it instead.
  context->set_password_callback(
      [](size_t, ssl::context::password_purpose) { return std::string(); });
  // Idle connections give their read and write buffers back.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);

  error_code ec;
  bool have_cert = false;
  bool have_key = false;
  // The key first: loaded after the certificate, a key that does not match it would fail as
  // "key values mismatch" and be indistinguishable from a key that does not parse.
  context->use_private_key(boost::asio::buffer(tls.key_pem), ssl::context::pem, ec);
  if (ec) {
    errors.Add(
        "tls.key_file",
        absl::StrCat("'", tls.key_file, "' is not an unencrypted PEM private key: ", Reason(ec)));
  } else {
    have_key = true;
  }
  ec.clear();
  context->use_certificate_chain(boost::asio::buffer(tls.cert_pem), ec);
  if (ec) {
    errors.Add("tls.cert_file",
               absl::StrCat("'", tls.cert_file, "' is not a PEM certificate chain: ", Reason(ec)));
  } else {
    have_cert = true;
  }
  if (have_cert && have_key && SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    errors.Add("tls.key_file",
               absl::StrCat("'", tls.key_file, "' is not the private key of tls.cert_file '",
                            tls.cert_file, "'"));
  }
  if (tls.ca_file.has_value()) {
    ec.clear();
    context->add_certificate_authority(boost::asio::buffer(tls.ca_pem), ec);
    if (ec) {
      errors.Add("tls.ca_file",
                 absl::StrCat("'", *tls.ca_file, "' holds no PEM CA certificate: ", Reason(ec)));
    }
  }
  ERR_clear_error();

  if (role == TlsListenerRole::kProtocol && tls.ca_file.has_value()) {
    ssl::verify_mode mode = ssl::verify_peer;
    if (tls.require_client_cert) mode |= ssl::verify_fail_if_no_peer_cert;
    context->set_verify_mode(mode);
  } else {
    context->set_verify_mode(ssl::verify_none);
  }
  SSL_CTX_set_session_id_context(native, kSessionIdContext, sizeof(kSessionIdContext) - 1);
  return context;
}

}  // namespace

void CheckServerTlsMaterial(const config::TlsConfig& tls, config::ConfigErrors& errors) {
  Build(tls, TlsListenerRole::kProtocol, errors);
}

absl::StatusOr<std::shared_ptr<ssl::context>> MakeServerTlsContext(const config::TlsConfig& tls,
                                                                   TlsListenerRole role) {
  config::ConfigErrors errors;
  std::shared_ptr<ssl::context> context = Build(tls, role, errors);
  if (!errors.empty()) return errors.ToStatus();
  return context;
}

}  // namespace liminal::io
