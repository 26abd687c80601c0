#include "core/metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace liminal::metrics {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(absl::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return IsNameChar(c) || c == ':'; });
}

// Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved), and
// not "le" (used by histogram buckets).
bool IsValidLabelName(absl::string_view name) {
  if (name.empty() || !IsNameStart(name[0]) || name.substr(0, 2) == "__" || name == "le") {
    return false;
  }
  return std::all_of(name.begin(), name.end(), IsNameChar);
}

// Shortest text that reads back as the same double ("0.25", "1e-05", "+Inf").
std::string FormatDouble(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return "NaN";
  return std::string(buffer, end);
}

void AppendEscaped(std::string& out, absl::string_view text, bool escape_quotes) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        out += escape_quotes ? "\\\"" : "\"";
        break;
      default:
        out += c;
    }
  }
}

// `{a="x",b="y"}` (with `extra` appended, for histogram `le`), or nothing for no labels.
void AppendLabels(std::string& out, const Labels& labels,
                  const std::pair<absl::string_view, std::string>* extra = nullptr) {
  if (labels.empty() && extra == nullptr) return;
  out += '{';
  bool first = true;
  auto append = [&](absl::string_view name, absl::string_view value) {
    if (!first) out += ',';
    first = false;
    absl::StrAppend(&out, name, "=\"");
    AppendEscaped(out, value, /*escape_quotes=*/true);
    out += '"';
  };
  for (const auto& [name, value] : labels) append(name, value);
  if (extra != nullptr) append(extra->first, extra->second);
  out += '}';
}

}  // namespace

template <typename Metric, typename Make>
Metric* Registry::GetOrCreate(absl::string_view name, absl::string_view help, Type type,
                              const std::vector<double>* upper_bounds, Labels labels, Make make) {
  std::sort(labels.begin(), labels.end());
  absl::MutexLock lock(&mu_);
  if (!IsValidMetricName(name)) {
    RecordError(name, "invalid metric name");
    return nullptr;
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!IsValidLabelName(labels[i].first)) {
      RecordError(name, absl::StrCat("invalid label name '", labels[i].first, "'"));
      return nullptr;
    }
    if (i > 0 && labels[i].first == labels[i - 1].first) {
      RecordError(name, absl::StrCat("label '", labels[i].first, "' given twice"));
      return nullptr;
    }
  }
  if (upper_bounds != nullptr) {
    for (size_t i = 0; i < upper_bounds->size(); ++i) {
      if (!std::isfinite((*upper_bounds)[i]) ||
          (i > 0 && (*upper_bounds)[i] <= (*upper_bounds)[i - 1])) {
        RecordError(name, "histogram bounds must be finite and strictly increasing");
        return nullptr;
      }
    }
  }
  auto [family_it, new_family] = families_.try_emplace(std::string(name));
  Family& family = family_it->second;
  if (new_family) {
    family.type = type;
    family.help = std::string(help);
    if (upper_bounds != nullptr) family.upper_bounds = *upper_bounds;
  } else if (family.type != type) {
    RecordError(name, absl::StrCat("already registered as a ", TypeName(family.type)));
    return nullptr;
  } else if (upper_bounds != nullptr && family.upper_bounds != *upper_bounds) {
    RecordError(name, "histogram bounds differ from the family's first series");
    return nullptr;
  }
  auto [series_it, new_series] = family.series.try_emplace(std::move(labels));
  if (new_series) series_it->second = make();
  return std::get<std::unique_ptr<Metric>>(series_it->second).get();
}

absl::string_view Registry::TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void Registry::RecordError(absl::string_view name, absl::string_view reason) {
  if (registration_status_.ok()) {
    registration_status_ =
        absl::InvalidArgumentError(absl::StrCat("metric '", name, "' not registered: ", reason));
  }
}

Counter& Registry::AddCounter(absl::string_view name, absl::string_view help, Labels labels) {
  Counter* counter = GetOrCreate<Counter>(name, help, Type::kCounter, nullptr, std::move(labels),
                                          [] { return std::make_unique<Counter>(); });
  if (counter != nullptr) return *counter;
  auto detached = std::make_unique<Counter>();
  counter = detached.get();
  absl::MutexLock lock(&mu_);
  detached_.push_back(std::move(detached));
  return *counter;
}

Gauge& Registry::AddGauge(absl::string_view name, absl::string_view help, Labels labels) {
  Gauge* gauge = GetOrCreate<Gauge>(name, help, Type::kGauge, nullptr, std::move(labels),
                                    [] { return std::make_unique<Gauge>(); });
  if (gauge != nullptr) return *gauge;
  auto detached = std::make_unique<Gauge>();
  gauge = detached.get();
  absl::MutexLock lock(&mu_);
  detached_.push_back(std::move(detached));
  return *gauge;
}

Histogram& Registry::AddHistogram(absl::string_view name, absl::string_view help,
                                  std::vector<double> upper_bounds, Labels labels) {
  Histogram* histogram =
      GetOrCreate<Histogram>(name, help, Type::kHistogram, &upper_bounds, std::move(labels),
                             [&] { return std::make_unique<Histogram>(upper_bounds); });
  if (histogram != nullptr) return *histogram;
  auto detached = std::make_unique<Histogram>(std::move(upper_bounds));
  histogram = detached.get();
  absl::MutexLock lock(&mu_);
  detached_.push_back(std::move(detached));
  return *histogram;
}

std::string Registry::RenderPrometheusText() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, family] : families_) {
    absl::StrAppend(&out, "# HELP ", name, " ");
    AppendEscaped(out, family.help, /*escape_quotes=*/false);
    absl::StrAppend(&out, "\n# TYPE ", name, " ", TypeName(family.type), "\n");
    for (const auto& [labels, series] : family.series) {
      if (const auto* counter = std::get_if<std::unique_ptr<Counter>>(&series)) {
        out += name;
        AppendLabels(out, labels);
        absl::StrAppend(&out, " ", (*counter)->Value(), "\n");
      } else if (const auto* gauge = std::get_if<std::unique_ptr<Gauge>>(&series)) {
        out += name;
        AppendLabels(out, labels);
        absl::StrAppend(&out, " ", (*gauge)->Value(), "\n");
      } else {
        const Histogram::Snapshot snapshot = std::get<std::unique_ptr<Histogram>>(series)->Snap();
        for (size_t i = 0; i < snapshot.cumulative_counts.size(); ++i) {
          const double bound =
              i < snapshot.upper_bounds.size() ? snapshot.upper_bounds[i] : INFINITY;
          const std::pair<absl::string_view, std::string> le{"le", FormatDouble(bound)};
          absl::StrAppend(&out, name, "_bucket");
          AppendLabels(out, labels, &le);
          absl::StrAppend(&out, " ", snapshot.cumulative_counts[i], "\n");
        }
        absl::StrAppend(&out, name, "_sum");
        AppendLabels(out, labels);
        absl::StrAppend(&out, " ", FormatDouble(snapshot.sum), "\n");
        absl::StrAppend(&out, name, "_count");
        AppendLabels(out, labels);
        absl::StrAppend(&out, " ", snapshot.count, "\n");
      }
    }
  }
  return out;
}

absl::Status Registry::registration_status() const {
  absl::MutexLock lock(&mu_);
  return registration_status_;
}

}  // namespace liminal::metrics
