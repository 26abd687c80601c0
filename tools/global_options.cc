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
}

}  // namespace liminal::tools
