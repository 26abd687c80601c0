// The server side of liminald's TLS: an asio::ssl::context built from the [tls] section
// (core/config/server_config.h), whose PEM files the config loader has already read.
//
//   config::ConfigErrors errors;
//   CheckServerTlsMaterial(*cfg.tls, errors);        // the loader: every problem, by key
//
//   absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> context =
//       MakeServerTlsContext(*cfg.tls, TlsListenerRole::kProtocol);
//   if (!context.ok()) return context.status();      // same messages, one status
//
// The context accepts TLS 1.2 and 1.3 only. For the protocol listener, a configured ca_file
// makes the server request a client certificate and verify any it gets against those CAs;
// require_client_cert refuses a handshake without one. The health listener presents the
// same certificate but never asks for one (probes and scrapers do not carry client
// certificates). Encrypted private keys are refused rather than prompting for a passphrase.
#ifndef LIMINAL_IO_TLS_SERVER_TLS_CONTEXT_H_
#define LIMINAL_IO_TLS_SERVER_TLS_CONTEXT_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "absl/status/statusor.h"
#include "core/config/config_errors.h"
#include "core/config/server_config.h"

namespace liminal::io {

enum class TlsListenerRole { kProtocol, kHealth };

// Records, under the key concerned (tls.cert_file, tls.key_file, tls.ca_file), every reason the
// PEM text in `tls` cannot make a server context: not PEM, no certificate, an encrypted key,
// a key that does not belong to the certificate, a CA file without certificates.
void CheckServerTlsMaterial(const config::TlsConfig& tls, config::ConfigErrors& errors);

// The context for one listener; INVALID_ARGUMENT with CheckServerTlsMaterial's messages.
absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const config::TlsConfig& tls, TlsListenerRole role);

}  // namespace liminal::io

#endif  // LIMINAL_IO_TLS_SERVER_TLS_CONTEXT_H_
