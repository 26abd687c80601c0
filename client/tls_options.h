// TLS settings of a client connection (ConnectionOptions::tls), for a liminald whose [tls]
// section is configured.
//
//   ConnectionOptions options;
//   options.tls.enabled = true;
//   options.tls.ca_file = "/etc/liminal/ca.pem";       // empty: the system's CA store
//   options.tls.cert_file = "/etc/liminal/client.pem";  // mutual TLS: both or neither
//   options.tls.key_file = "/etc/liminal/client.key";
//   auto client = BlockingClient::Connect("bus.internal", 7400, options);
//
// The server's certificate must chain to a trusted CA and name the host connected to (a DNS
// name or an IP address in its subjectAltName), or `server_name` when set; the host name is
// also sent as SNI. A failed verification fails the connect with a Disconnected error that
// says why ("TLS handshake with 127.0.0.1:7400 failed: certificate verify failed (unable to
// get local issuer certificate)"). TLS 1.2 and 1.3 only.
//
// Thread-safety: a plain value type.
#ifndef LIMINAL_CLIENT_TLS_OPTIONS_H_
#define LIMINAL_CLIENT_TLS_OPTIONS_H_

#include <string>

namespace liminal::client {

struct TlsOptions {
  bool enabled = false;
  std::string ca_file;      // PEM CA certificates to verify the server with; "" = system store
  std::string cert_file;    // PEM client certificate chain, for mutual TLS
  std::string key_file;     // its unencrypted PEM private key
  std::string server_name;  // name to verify and send as SNI; "" = the host connected to
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_TLS_OPTIONS_H_
