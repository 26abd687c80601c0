#include "tools/global_options.h"

#include "tools/duration_flag.h"
#include "tools/server_address.h"

namespace liminal::tools {

void AddGlobalOptions(CLI::App& app, GlobalOptions& options) {
  // Subcommands created after this inherit it: options of the parent are accepted after the
  // command name too.
  app.fallthrough();
  CLI::Option_group* group = app.add_option_group("Connection and output");
  group
      ->add_option("--server,-s", options.server,
                   "liminald address HOST:PORT (port defaults to 7400)")
      ->envname(kServerEnv)
      ->check(ServerAddressFlag())
      ->capture_default_str()
      ->type_name("HOST:PORT");
  group->add_option("--token", options.token, "Auth token sent in Connect (default: none)")
      ->envname(kTokenEnv)
      ->type_name("TOKEN");
  group->add_flag("--json", options.json,
                  "Print one JSON object per line on stdout instead of text");
  group
      ->add_option("--connect-timeout", options.connect_timeout,
                   "Limit for connecting and the handshake")
      ->capture_default_str()
      ->check(DurationFlag())
      ->type_name("DURATION");
  CLI::Option_group* tls = app.add_option_group("TLS");
  tls->add_flag("--tls", options.tls,
                "Connect with TLS, verifying the server's certificate against the system's CAs "
                "(or --ca)");
  tls->add_option("--ca", options.ca_file,
                  "PEM CA certificates to verify the server with (implies --tls)")
      ->check(CLI::ExistingFile)
      ->type_name("FILE");
  CLI::Option* cert =
      tls->add_option("--cert", options.cert_file,
                      "PEM client certificate, for a server that requires one (implies --tls)")
          ->check(CLI::ExistingFile)
          ->type_name("FILE");
  CLI::Option* key =
      tls->add_option("--key", options.key_file, "Unencrypted PEM private key of --cert")
          ->check(CLI::ExistingFile)
          ->type_name("FILE");
  cert->needs(key);
  key->needs(cert);
}

}  // namespace liminal::tools
