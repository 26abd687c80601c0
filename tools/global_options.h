// The options every networked `liminal` command shares: where liminald is, the auth token,
// TLS, the output format and the connect timeout. They are registered once on the top-level app
// and may be given before or after the command name:
//
//   liminal --server 10.0.0.5:7400 pub orders '{}'
//   liminal pub orders '{}' --json --token s3cret
//   LIMINAL_SERVER=10.0.0.5:7400 LIMINAL_TOKEN=s3cret liminal ping
//   liminal --tls --ca ca.pem --server bus.internal:7400 ping       // TLS, verified with ca.pem
//   liminal --ca ca.pem --cert me.pem --key me.key ping             // mutual TLS
//
//   GlobalOptions global;
//   AddGlobalOptions(app, global);          // before app.parse()
//   ... global.server, global.json ...      // after it
//
// A command line option wins over its environment variable, which wins over the default.
#ifndef LIMINAL_TOOLS_GLOBAL_OPTIONS_H_
#define LIMINAL_TOOLS_GLOBAL_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "tools/output_format.h"

namespace liminal::tools {

inline constexpr char kDefaultServer[] = "127.0.0.1:7400";
inline constexpr char kServerEnv[] = "LIMINAL_SERVER";
inline constexpr char kTokenEnv[] = "LIMINAL_TOKEN";

// Appended to every networked command's --help (the options are listed on `liminal --help`).
inline constexpr char kGlobalOptionsNote[] =
    "\nAlso accepted here (see `liminal --help`): --server HOST:PORT (env LIMINAL_SERVER,\n"
    "default 127.0.0.1:7400), --token TOKEN (env LIMINAL_TOKEN), --json, --connect-timeout\n"
    "DURATION (default 5s), --tls, --ca FILE, --cert FILE, --key FILE.\n";

struct GlobalOptions {
  std::string server = kDefaultServer;  // HOST:PORT, HOST, or [IPv6]:PORT
  std::string token;                    // empty: send no token
  bool json = false;
  std::string connect_timeout = "5s";  // a duration flag (duration_flag.h)
  // TLS (client/tls_options.h). --ca, --cert and --key imply --tls.
  bool tls = false;
  std::string ca_file;    // "" = the system's CA store
  std::string cert_file;  // client certificate, for mutual TLS (with key_file)
  std::string key_file;

  bool UseTls() const { return tls || !ca_file.empty() || !cert_file.empty() || !key_file.empty(); }

  OutputFormat format() const { return json ? OutputFormat::kJson : OutputFormat::kText; }
};

// Registers --server, --token, --json, --connect-timeout and the TLS options on `app` (and makes
// its subcommands accept them too). `options` must outlive the parse.
void AddGlobalOptions(CLI::App& app, GlobalOptions& options);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_GLOBAL_OPTIONS_H_
