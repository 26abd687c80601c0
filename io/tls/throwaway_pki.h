// ThrowawayPki: a small certificate authority and certificates made on the spot with OpenSSL's
// API, for tests, the benchmark's TLS workload and local experiments — never for production
// (keys are written unencrypted, certificates live two days).
//
//   absl::StatusOr<ThrowawayPkiFiles> pki = WriteThrowawayPki(temp_dir);
//   if (!pki.ok()) return pki.status();
//   // [tls] cert_file = pki->server_cert, key_file = pki->server_key, ca_file = pki->ca_cert
//   // client: options.tls.ca_file = pki->ca_cert (pki->other_ca_cert fails verification)
//
// Every certificate is ECDSA P-256 / SHA-256. The server certificate names 127.0.0.1, ::1
// and localhost; the client certificates are usable for client authentication.
#ifndef LIMINAL_IO_TLS_THROWAWAY_PKI_H_
#define LIMINAL_IO_TLS_THROWAWAY_PKI_H_

#include <filesystem>

#include "absl/status/statusor.h"

namespace liminal::io {

struct ThrowawayPkiFiles {
  std::filesystem::path ca_cert;            // ca.pem: the CA that issued server and client
  std::filesystem::path server_cert;        // server.pem (127.0.0.1, ::1, localhost)
  std::filesystem::path server_key;         // server.key
  std::filesystem::path client_cert;        // client.pem, issued by ca.pem
  std::filesystem::path client_key;         // client.key
  std::filesystem::path other_ca_cert;      // other-ca.pem: an unrelated CA
  std::filesystem::path other_client_cert;  // other-client.pem, issued by other-ca.pem
  std::filesystem::path other_client_key;   // other-client.key
};

// Generates the set above and writes it into the existing directory `dir`.
absl::StatusOr<ThrowawayPkiFiles> WriteThrowawayPki(const std::filesystem::path& dir);

}  // namespace liminal::io

#endif  // LIMINAL_IO_TLS_THROWAWAY_PKI_H_
