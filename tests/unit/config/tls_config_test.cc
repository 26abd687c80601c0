// [tls]: the keys, their validation (core/config/validate.cc) and the loader's file checks
// (daemon/config_loader.cc): every bad certificate, key or CA file fails the load with an
// error naming the key and the file. Certificates come from io/tls/throwaway_pki.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/config/server_config.h"
#include "core/config/validate.h"
#include "daemon/config_loader.h"
#include "io/tls/throwaway_pki.h"
#include "tests/e2e/support/temp_dir.h"

namespace liminal::daemon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class TlsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<e2e::TempDir> dir = e2e::TempDir::Create("tls-config-test");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<e2e::TempDir>(*std::move(dir));
    absl::StatusOr<io::ThrowawayPkiFiles> pki = io::WriteThrowawayPki(dir_->path());
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *pki;
  }

  absl::StatusOr<config::ServerConfig> Load(const std::string& tls_section) {
    absl::StatusOr<std::filesystem::path> file = dir_->WriteFile(
        "liminald.toml", absl::StrCat("[[channels]]\nname = \"orders\"\n[tls]\n", tls_section));
    if (!file.ok()) return file.status();
    return LoadConfig(*file, {});
  }

  std::string LoadError(const std::string& tls_section) {
    absl::StatusOr<config::ServerConfig> loaded = Load(tls_section);
    EXPECT_FALSE(loaded.ok()) << "expected a load error";
    return loaded.ok() ? "" : std::string(loaded.status().message());
  }

  static std::string Key(absl::string_view key, const std::filesystem::path& path) {
    return absl::StrCat(key, " = \"", path.string(), "\"\n");
  }

  std::string ServerPair() const {
    return Key("cert_file", pki_.server_cert) + Key("key_file", pki_.server_key);
  }

  std::filesystem::path dir() const { return dir_->path(); }

  std::unique_ptr<e2e::TempDir> dir_;
  io::ThrowawayPkiFiles pki_;
};

TEST_F(TlsConfigTest, NoTlsSectionMeansPlaintext) {
  EXPECT_FALSE(config::ServerConfig{}.tls.has_value());
}

TEST_F(TlsConfigTest, ReadsEveryKeyAndThePemFiles) {
  absl::StatusOr<config::ServerConfig> loaded = Load(ServerPair() + Key("ca_file", pki_.ca_cert) +
                                                     "require_client_cert = true\nhealth = true\n");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->tls.has_value());
  const config::TlsConfig& tls = *loaded->tls;
  EXPECT_EQ(tls.cert_file, pki_.server_cert.string());
  EXPECT_EQ(tls.key_file, pki_.server_key.string());
  EXPECT_EQ(tls.ca_file, pki_.ca_cert.string());
  EXPECT_TRUE(tls.require_client_cert);
  EXPECT_TRUE(tls.health);
  EXPECT_THAT(tls.cert_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_THAT(tls.key_pem, HasSubstr("PRIVATE KEY"));
  EXPECT_THAT(tls.ca_pem, HasSubstr("BEGIN CERTIFICATE"));
}

TEST_F(TlsConfigTest, DefaultsAreNoClientCertificatesAndAPlaintextHealthListener) {
  absl::StatusOr<config::ServerConfig> loaded = Load(ServerPair());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE(loaded->tls->ca_file.has_value());
  EXPECT_FALSE(loaded->tls->require_client_cert);
  EXPECT_FALSE(loaded->tls->health);
}

TEST_F(TlsConfigTest, RelativePathsResolveAgainstTheConfigFile) {
  absl::StatusOr<config::ServerConfig> loaded =
      Load("cert_file = \"server.pem\"\nkey_file = \"server.key\"\n");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->tls->cert_file, (dir() / "server.pem").string());
}

TEST_F(TlsConfigTest, CertAndKeyAreRequired) {
  const std::string errors = LoadError("health = true\n");
  EXPECT_THAT(errors, HasSubstr("tls.cert_file: is required"));
  EXPECT_THAT(errors, HasSubstr("tls.key_file: is required"));
}

TEST_F(TlsConfigTest, RequireClientCertWithoutCaFileIsAnError) {
  EXPECT_THAT(LoadError(ServerPair() + "require_client_cert = true\n"),
              HasSubstr("tls.require_client_cert: needs tls.ca_file"));
}

TEST_F(TlsConfigTest, MissingFilesAreNamedWithTheirKey) {
  const std::string errors =
      LoadError(Key("cert_file", dir() / "absent.pem") + Key("key_file", dir() / "absent.key") +
                Key("ca_file", dir() / "absent-ca.pem"));
  EXPECT_THAT(errors, HasSubstr("tls.cert_file: cannot read '" + (dir() / "absent.pem").string() +
                                "': No such file or directory"));
  EXPECT_THAT(errors, HasSubstr("tls.key_file: cannot read '" + (dir() / "absent.key").string()));
  EXPECT_THAT(errors, HasSubstr("tls.ca_file: cannot read '" + (dir() / "absent-ca.pem").string()));
}

TEST_F(TlsConfigTest, UnreadableFilesAreNamedWithTheirKey) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  std::filesystem::permissions(pki_.server_key, std::filesystem::perms::none);
  EXPECT_THAT(
      LoadError(ServerPair()),
      HasSubstr("tls.key_file: cannot read '" + pki_.server_key.string() + "': Permission denied"));
}

TEST_F(TlsConfigTest, AKeyThatIsNotTheCertificatesKeyIsAnError) {
  EXPECT_THAT(
      LoadError(Key("cert_file", pki_.server_cert) + Key("key_file", pki_.client_key)),
      HasSubstr("tls.key_file: '" + pki_.client_key.string() +
                "' is not the private key of tls.cert_file '" + pki_.server_cert.string() + "'"));
}

TEST_F(TlsConfigTest, FilesThatAreNotPemAreErrorsNamingTheirKey) {
  absl::StatusOr<std::filesystem::path> junk = dir_->WriteFile("junk.txt", "not a certificate\n");
  ASSERT_TRUE(junk.ok());
  const std::string errors =
      LoadError(Key("cert_file", *junk) + Key("key_file", *junk) + Key("ca_file", *junk));
  EXPECT_THAT(errors,
              HasSubstr("tls.cert_file: '" + junk->string() + "' is not a PEM certificate chain"));
  EXPECT_THAT(errors,
              HasSubstr("tls.key_file: '" + junk->string() + "' is not an unencrypted PEM"));
  EXPECT_THAT(errors, HasSubstr("tls.ca_file: '" + junk->string() + "' holds no PEM CA"));
  // A certificate where the key belongs (and the reverse) is refused too.
  EXPECT_THAT(LoadError(Key("cert_file", pki_.server_key) + Key("key_file", pki_.server_cert)),
              HasSubstr("tls.cert_file"));
}

// The environment alone can switch TLS on (a file with no [tls] section, certificates mounted
// as secrets): the loader reads and checks the files the variables name, as for the file's.
TEST_F(TlsConfigTest, TheEnvironmentAloneSwitchesTlsOn) {
  absl::StatusOr<std::filesystem::path> file =
      dir_->WriteFile("plain.toml", "[[channels]]\nname = \"orders\"\n");
  ASSERT_TRUE(file.ok()) << file.status();
  absl::StatusOr<config::ServerConfig> loaded =
      LoadConfig(*file, {{"LIMINAL_TLS_CERT_FILE", pki_.server_cert.string()},
                         {"LIMINAL_TLS_KEY_FILE", pki_.server_key.string()}});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->tls.has_value());
  EXPECT_THAT(loaded->tls->cert_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_THAT(loaded->tls->key_pem, HasSubstr("PRIVATE KEY"));

  absl::StatusOr<config::ServerConfig> half =
      LoadConfig(*file, {{"LIMINAL_TLS_CERT_FILE", pki_.server_cert.string()}});
  ASSERT_FALSE(half.ok());
  EXPECT_THAT(half.status().message(), HasSubstr("tls.key_file"));
  absl::StatusOr<config::ServerConfig> missing =
      LoadConfig(*file, {{"LIMINAL_TLS_CERT_FILE", (dir() / "nope.pem").string()},
                         {"LIMINAL_TLS_KEY_FILE", pki_.server_key.string()}});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("tls.cert_file"));
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.pem"));
}

TEST_F(TlsConfigTest, UnknownAndMistypedKeysAreRejected) {
  const std::string errors =
      LoadError(ServerPair() + "require_client_certs = true\nhealth = \"yes\"\n");
  EXPECT_THAT(errors, HasSubstr("tls.require_client_certs: unknown key"));
  EXPECT_THAT(errors, HasSubstr("tls.health"));
}

TEST(TlsValidateTest, BlankPathsAndMissingCaAreReportedWithoutTouchingFiles) {
  config::ServerConfig cfg;
  cfg.tls.emplace();
  cfg.tls->cert_file = " ";
  cfg.tls->ca_file = "";
  cfg.tls->require_client_cert = true;
  const std::string errors(config::Validate(cfg).message());
  EXPECT_THAT(errors, HasSubstr("tls.cert_file: is required"));
  EXPECT_THAT(errors, HasSubstr("tls.key_file: is required"));
  EXPECT_THAT(errors, HasSubstr("tls.ca_file: must not be empty"));
  EXPECT_THAT(errors, Not(HasSubstr("tls.require_client_cert")));  // ca_file is set, if blank

  cfg.tls->cert_file = "/c.pem";
  cfg.tls->key_file = "/k.pem";
  cfg.tls->ca_file.reset();
  EXPECT_THAT(std::string(config::Validate(cfg).message()),
              HasSubstr("tls.require_client_cert: needs tls.ca_file"));
}

}  // namespace
}  // namespace liminal::daemon
