#include "daemon/toml_config.h"

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/config/host_port.h"

namespace liminal::daemon {
namespace {

using config::ConfigErrors;

absl::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string Where(const toml::source_region& source) {
  if (source.begin.line == 0) return "";
  return absl::StrCat(" (line ", source.begin.line, ")");
}

std::string ResolvePath(const std::filesystem::path& base_dir, absl::string_view text) {
  std::filesystem::path path{std::string(text)};
  if (path.is_relative()) path = base_dir / path;
  return path.lexically_normal().string();
}

// Reads the keys of one TOML table into config fields, recording type errors; then
// RejectUnknownKeys() reports every key nobody asked for.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, ConfigErrors& errors)
      : table_(table), path_(std::move(path)), errors_(errors) {}

  // Records every key of the table that no accessor asked for. Call once, last.
  void RejectUnknownKeys() {
    for (auto&& [key, node] : table_) {
      const std::string name(key.str());
      if (!seen_.contains(name)) {
        errors_.Add(KeyPath(name), absl::StrCat("unknown key", Where(node.source())));
      }
    }
  }

  std::string KeyPath(absl::string_view key) const {
    return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key);
  }

  void Integer(absl::string_view key, int64_t& out) {
    if (const toml::node* node = Get(key, toml::node_type::integer)) {
      out = node->as_integer()->get();
    }
  }

  void Bool(absl::string_view key, bool& out) {
    if (const toml::node* node = Get(key, toml::node_type::boolean)) {
      out = node->as_boolean()->get();
    }
  }

  // Returns the string value, or nullopt (after recording why) if absent or mistyped.
  std::optional<std::string> String(absl::string_view key) {
    if (const toml::node* node = Get(key, toml::node_type::string)) {
      return node->as_string()->get();
    }
    return std::nullopt;
  }

  void String(absl::string_view key, std::string& out) {
    if (std::optional<std::string> value = String(key)) out = *std::move(value);
  }

  void Trimmed(absl::string_view key, std::string& out) {
    if (std::optional<std::string> value = String(key)) {
      out = std::string(absl::StripAsciiWhitespace(*value));
    }
  }

  void Path(absl::string_view key, const std::filesystem::path& base_dir,
            std::optional<std::string>& out) {
    if (std::optional<std::string> value = String(key)) {
      // A blank path stays blank so that validation names it.
      out = absl::StripAsciiWhitespace(*value).empty() ? *value : ResolvePath(base_dir, *value);
    }
  }

  // A string parsed by `parse` (an enum or an address); parse errors name the key.
  template <typename T, typename Parse>
  void Parsed(absl::string_view key, T& out, Parse parse) {
    const toml::node* node = Get(key, toml::node_type::string);
    if (node == nullptr) return;
    absl::StatusOr<T> parsed = parse(node->as_string()->get());
    if (parsed.ok()) {
      out = *std::move(parsed);
    } else {
      errors_.Add(KeyPath(key), absl::StrCat(parsed.status().message(), Where(node->source())));
    }
  }

  const toml::table* Table(absl::string_view key) {
    const toml::node* node = Get(key, toml::node_type::table);
    return node == nullptr ? nullptr : node->as_table();
  }

  const toml::array* Array(absl::string_view key) {
    const toml::node* node = Get(key, toml::node_type::array);
    return node == nullptr ? nullptr : node->as_array();
  }

  ConfigErrors& errors() { return errors_; }

 private:
  // The node for `key` when present with the expected type; records a type error otherwise.
  const toml::node* Get(absl::string_view key, toml::node_type type) {
    seen_.insert(std::string(key));
    const toml::node* node = table_.get(std::string_view(key.data(), key.size()));
    if (node == nullptr) return nullptr;
    if (node->type() != type) {
      errors_.Add(KeyPath(key), absl::StrCat("expected ", TypeName(type), ", got ",
                                             TypeName(node->type()), Where(node->source())));
      return nullptr;
    }
    return node;
  }

  const toml::table& table_;
  std::string path_;
  ConfigErrors& errors_;
  absl::btree_set<std::string> seen_;
};

// Calls `decode(table, path)` for every element of the array of tables at `key`.
template <typename Decode>
void ForEachTable(TableReader& reader, absl::string_view key, Decode decode) {
  const toml::array* array = reader.Array(key);
  if (array == nullptr) return;
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string path = absl::StrCat(reader.KeyPath(key), "[", i, "]");
    const toml::node& element = *array->get(i);
    if (const toml::table* table = element.as_table()) {
      decode(*table, path);
    } else {
      reader.errors().Add(path, absl::StrCat("expected a table, got ", TypeName(element.type()),
                                             Where(element.source())));
    }
  }
}

// The elements of the array of strings at `key`; a non-string element is an error.
std::vector<std::string> StringList(TableReader& reader, absl::string_view key) {
  std::vector<std::string> values;
  const toml::array* array = reader.Array(key);
  if (array == nullptr) return values;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (const auto* text = element.as_string()) {
      values.push_back(text->get());
    } else {
      reader.errors().Add(absl::StrCat(reader.KeyPath(key), "[", i, "]"),
                          absl::StrCat("expected a string, got ", TypeName(element.type()),
                                       Where(element.source())));
    }
  }
  return values;
}

void DecodeAuthUser(const toml::table& table, const std::string& path,
                    const std::filesystem::path& base_dir, ConfigErrors& errors,
                    config::AuthUserConfig& user) {
  TableReader reader(table, path, errors);
  reader.Trimmed("name", user.name);
  user.token = reader.String("token");
  reader.Path("token_file", base_dir, user.token_file);
  user.publish = StringList(reader, "publish");
  user.subscribe = StringList(reader, "subscribe");
  user.request = StringList(reader, "request");
  user.respond = StringList(reader, "respond");
  reader.RejectUnknownKeys();
}

void DecodeAuth(TableReader& top, const std::filesystem::path& base_dir, config::AuthConfig& auth) {
  const toml::table* table = top.Table("auth");
  if (table == nullptr) return;
  TableReader reader(*table, "auth", top.errors());
  auth.token = reader.String("token");
  auth.tokens = StringList(reader, "tokens");
  reader.Path("token_file", base_dir, auth.token_file);
  ForEachTable(reader, "users", [&](const toml::table& user, const std::string& path) {
    DecodeAuthUser(user, path, base_dir, top.errors(), auth.users.emplace_back());
  });
  reader.RejectUnknownKeys();
}

void DecodeServices(TableReader& top, config::ServicesConfig& services) {
  const toml::table* table = top.Table("services");
  if (table == nullptr) return;
  TableReader reader(*table, "services", top.errors());
  reader.Parsed("profile", services.profile, config::ParseServicesProfile);
  reader.RejectUnknownKeys();
}

void DecodeLimits(TableReader& top, config::LimitsConfig& limits) {
  const toml::table* table = top.Table("limits");
  if (table == nullptr) return;
  TableReader reader(*table, "limits", top.errors());
  reader.Integer("max_connections", limits.max_connections);
  reader.Integer("max_subscriptions_per_connection", limits.max_subscriptions_per_connection);
  reader.Integer("max_conversations_per_connection", limits.max_conversations_per_connection);
  reader.Integer("max_pending_pushes_per_connection", limits.max_pending_pushes_per_connection);
  reader.Integer("max_pending_conversation_replies_per_connection",
                 limits.max_pending_conversation_replies_per_connection);
  reader.Integer("max_pending_replies_per_conversation",
                 limits.max_pending_replies_per_conversation);
  reader.Integer("max_connection_inbox_bytes", limits.max_connection_inbox_bytes);
  reader.Integer("max_subscription_inbox_depth", limits.max_subscription_inbox_depth);
  reader.Integer("max_frame_bytes", limits.max_frame_bytes);
  reader.Integer("max_outbound_bytes", limits.max_outbound_bytes);
  reader.Integer("handshake_timeout_ms", limits.handshake_timeout_ms);
  reader.Integer("idle_timeout_ms", limits.idle_timeout_ms);
  reader.Integer("conversation_reply_timeout_ms", limits.conversation_reply_timeout_ms);
  reader.Integer("dedup_window_ms", limits.dedup_window_ms);
  reader.RejectUnknownKeys();
}

void DecodeCluster(TableReader& top, std::optional<config::ClusterConfig>& cluster) {
  const toml::table* table = top.Table("cluster");
  if (table == nullptr) return;
  TableReader reader(*table, "cluster", top.errors());
  config::ClusterConfig& out = cluster.emplace();
  reader.String("node_name", out.node_name);
  reader.Parsed("listen_address", out.listen_address,
                [](absl::string_view text) -> absl::StatusOr<std::optional<config::HostPort>> {
                  absl::StatusOr<config::HostPort> parsed = config::ParseHostPort(text);
                  if (!parsed.ok()) return parsed.status();
                  return std::optional<config::HostPort>(*std::move(parsed));
                });
  out.seed_nodes = StringList(reader, "seed_nodes");
  reader.String("cookie", out.cookie);
  reader.RejectUnknownKeys();
}

void DecodeTls(TableReader& top, const std::filesystem::path& base_dir,
               std::optional<config::TlsConfig>& tls) {
  const toml::table* table = top.Table("tls");
  if (table == nullptr) return;
  TableReader reader(*table, "tls", top.errors());
  config::TlsConfig& out = tls.emplace();
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  reader.Path("cert_file", base_dir, cert_file);
  reader.Path("key_file", base_dir, key_file);
  out.cert_file = cert_file.value_or("");
  out.key_file = key_file.value_or("");
  reader.Path("ca_file", base_dir, out.ca_file);
  reader.Bool("require_client_cert", out.require_client_cert);
  reader.Bool("health", out.health);
  reader.RejectUnknownKeys();
}

void DecodeChannel(const toml::table& table, const std::string& path,
                   const std::filesystem::path& base_dir, ConfigErrors& errors,
                   config::ChannelConfig& channel) {
  TableReader reader(table, path, errors);
  reader.Trimmed("name", channel.name);
  reader.Bool("durable", channel.durable);
  reader.Path("schema_ref", base_dir, channel.schema_ref);
  reader.Parsed("fsync", channel.fsync, config::ParseFsyncPolicy);
  reader.Integer("fsync_interval_ms", channel.fsync_interval_ms);
  reader.Integer("segment_bytes", channel.segment_bytes);
  if (const toml::table* retention = reader.Table("retention")) {
    TableReader limits(*retention, reader.KeyPath("retention"), errors);
    limits.Integer("max_messages", channel.retention.max_messages);
    limits.Integer("max_bytes", channel.retention.max_bytes);
    limits.Integer("max_age_ms", channel.retention.max_age_ms);
    limits.RejectUnknownKeys();
  }
  reader.RejectUnknownKeys();
}

void DecodeRoutingRule(const toml::table& table, const std::string& path, ConfigErrors& errors,
                       config::RoutingRuleConfig& rule) {
  TableReader reader(table, path, errors);
  reader.Trimmed("source_channel", rule.source_channel);
  reader.Trimmed("target_channel", rule.target_channel);
  rule.predicate = reader.String("predicate");
  reader.RejectUnknownKeys();
}

void DecodeTop(const toml::table& root, const std::filesystem::path& base_dir,
               config::ServerConfig& out, ConfigErrors& errors) {
  TableReader reader(root, "", errors);
  reader.Parsed("listen_address", out.listen_address, config::ParseHostPort);
  reader.Parsed("health_listen_address", out.health_listen_address, config::ParseHostPort);
  reader.Integer("drain_timeout_ms", out.drain_timeout_ms);
  reader.Path("persistence_path", base_dir, out.persistence_path);
  reader.Integer("scheduler_threads", out.scheduler_threads);
  reader.Parsed("log_format", out.log_format, config::ParseLogFormat);
  reader.Parsed("log_level", out.log_level, config::ParseLogLevel);
  DecodeAuth(reader, base_dir, out.auth);
  DecodeServices(reader, out.services);
  DecodeLimits(reader, out.limits);
  DecodeCluster(reader, out.cluster);
  DecodeTls(reader, base_dir, out.tls);
  ForEachTable(reader, "channels", [&](const toml::table& table, const std::string& path) {
    DecodeChannel(table, path, base_dir, errors, out.channels.emplace_back());
  });
  ForEachTable(reader, "routing_rules", [&](const toml::table& table, const std::string& path) {
    DecodeRoutingRule(table, path, errors, out.routing_rules.emplace_back());
  });
  reader.RejectUnknownKeys();
}

}  // namespace

absl::Status DecodeTomlConfig(absl::string_view text, absl::string_view source_name,
                              const std::filesystem::path& base_dir, config::ServerConfig& out,
                              ConfigErrors& errors) {
  toml::table root;
  try {
    root = toml::parse(std::string_view(text.data(), text.size()),
                       std::string_view(source_name.data(), source_name.size()));
  } catch (const toml::parse_error& error) {
    const toml::source_position& at = error.source().begin;
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ":", at.line, ":", at.column,
                     ": TOML syntax error: ", std::string(error.description())));
  }
  DecodeTop(root, base_dir, out, errors);
  return absl::OkStatus();
}

}  // namespace liminal::daemon
