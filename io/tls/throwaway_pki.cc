#include "io/tls/throwaway_pki.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace liminal::io {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct Issued {
  KeyPtr key;
  CertPtr cert;
};

absl::Status OpenSslError(absl::string_view what) {
  const unsigned long code = ERR_get_error();  // NOLINT: OpenSSL's type
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return absl::InternalError(absl::StrCat("throwaway PKI: ", what, ": ", text));
}

absl::Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) return OpenSslError(absl::StrCat("extension ", value));
  const int added = X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  if (added != 1) return OpenSslError(absl::StrCat("adding extension ", value));
  return absl::OkStatus();
}

// A certificate for a fresh key, signed by `issuer` (self-signed when null).
absl::StatusOr<Issued> Issue(const char* common_name, const Issued* issuer, bool is_ca,
                             long serial) {  // NOLINT: OpenSSL's type
  Issued out;
  out.key.reset(EVP_EC_gen("P-256"));
  if (out.key == nullptr) return OpenSslError("generating a P-256 key");
  out.cert.reset(X509_new());
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 2 * 24 * 3600);
  X509_set_pubkey(cert, out.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* issuer_cert = issuer != nullptr ? issuer->cert.get() : cert;
  EVP_PKEY* signing_key = issuer != nullptr ? issuer->key.get() : out.key.get();
  X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert));
  absl::Status status = AddExtension(cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (is_ca) {
    if (status.ok()) {
      status = AddExtension(cert, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    }
    if (status.ok()) {
      status = AddExtension(cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
  } else {
    if (status.ok()) status = AddExtension(cert, issuer_cert, NID_basic_constraints, "CA:FALSE");
    if (status.ok()) {
      status = AddExtension(cert, issuer_cert, NID_key_usage, "critical,digitalSignature");
    }
    if (status.ok()) {
      status = AddExtension(cert, issuer_cert, NID_ext_key_usage, "serverAuth,clientAuth");
    }
    if (status.ok()) {
      status = AddExtension(cert, issuer_cert, NID_subject_alt_name,
                            "IP:127.0.0.1,IP:::1,DNS:localhost");
    }
    if (status.ok()) {
      status = AddExtension(cert, issuer_cert, NID_authority_key_identifier, "keyid:always");
    }
  }
  if (!status.ok()) return status;
  if (X509_sign(cert, signing_key, EVP_sha256()) == 0) return OpenSslError("signing");
  return out;
}

absl::StatusOr<std::string> Pem(X509* cert, EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const int written = cert != nullptr ? PEM_write_bio_X509(bio.get(), cert)
                                      : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr,
                                                                 0, nullptr, nullptr);
  if (written != 1) return OpenSslError("writing PEM");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT: OpenSSL's type
  return std::string(data, static_cast<size_t>(size));
}

absl::Status WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write '", path.string(), "'"));
  return absl::OkStatus();
}

absl::Status WriteIssued(const Issued& issued, const std::filesystem::path& cert_path,
                         const std::filesystem::path* key_path) {
  absl::StatusOr<std::string> cert = Pem(issued.cert.get(), nullptr);
  if (!cert.ok()) return cert.status();
  if (absl::Status written = WriteText(cert_path, *cert); !written.ok()) return written;
  if (key_path == nullptr) return absl::OkStatus();
  absl::StatusOr<std::string> key = Pem(nullptr, issued.key.get());
  if (!key.ok()) return key.status();
  return WriteText(*key_path, *key);
}

}  // namespace

absl::StatusOr<ThrowawayPkiFiles> WriteThrowawayPki(const std::filesystem::path& dir) {
  ThrowawayPkiFiles files{
      .ca_cert = dir / "ca.pem",
      .server_cert = dir / "server.pem",
      .server_key = dir / "server.key",
      .client_cert = dir / "client.pem",
      .client_key = dir / "client.key",
      .other_ca_cert = dir / "other-ca.pem",
      .other_client_cert = dir / "other-client.pem",
      .other_client_key = dir / "other-client.key",
  };
  absl::StatusOr<Issued> ca = Issue("liminal throwaway CA", nullptr, /*is_ca=*/true, 1);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<Issued> server = Issue("localhost", &*ca, /*is_ca=*/false, 2);
  if (!server.ok()) return server.status();
  absl::StatusOr<Issued> client = Issue("liminal test client", &*ca, /*is_ca=*/false, 3);
  if (!client.ok()) return client.status();
  absl::StatusOr<Issued> other_ca = Issue("unrelated throwaway CA", nullptr, /*is_ca=*/true, 4);
  if (!other_ca.ok()) return other_ca.status();
  absl::StatusOr<Issued> other_client =
      Issue("client of the unrelated CA", &*other_ca, /*is_ca=*/false, 5);
  if (!other_client.ok()) return other_client.status();

  for (absl::Status status : {
           WriteIssued(*ca, files.ca_cert, nullptr),
           WriteIssued(*server, files.server_cert, &files.server_key),
           WriteIssued(*client, files.client_cert, &files.client_key),
           WriteIssued(*other_ca, files.other_ca_cert, nullptr),
           WriteIssued(*other_client, files.other_client_cert, &files.other_client_key),
       }) {
    if (!status.ok()) return status;
  }
  return files;
}

}  // namespace liminal::io
