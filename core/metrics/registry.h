// Registry: owns a set of counters, gauges and histograms and renders them in the Prometheus
// text exposition format (version 0.0.4), for the health endpoint's GET /metrics.
//
//   Registry registry;
//   Counter& in = registry.AddCounter("liminal_frames_in_total", "Frames received.",
//                                     {{"type", "Publish"}});
//   in.Increment();                                    // lock-free, any thread
//   std::string text = registry.RenderPrometheusText();
//   // # HELP liminal_frames_in_total Frames received.
//   // # TYPE liminal_frames_in_total counter
//   // liminal_frames_in_total{type="Publish"} 1
//
// Output order is deterministic: families sorted by name, series by their (sorted) labels.
// Add*() is get-or-create: the same name and labels return the same metric. Registration
// never fails at the call site: an invalid name, label or bucket list, or a name already used
// by another metric type, returns a detached metric (usable, never rendered) and is reported
// by registration_status(), which tests and start-up code check. Registration and rendering
// take an internal lock; updating a metric never does. Metrics live as long as the registry.
#ifndef LIMINAL_CORE_METRICS_REGISTRY_H_
#define LIMINAL_CORE_METRICS_REGISTRY_H_

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "core/metrics/counter.h"
#include "core/metrics/gauge.h"
#include "core/metrics/histogram.h"

namespace liminal::metrics {

// A fixed label set, e.g. {{"type", "Publish"}}. Order does not matter.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& AddCounter(absl::string_view name, absl::string_view help, Labels labels = {});
  Gauge& AddGauge(absl::string_view name, absl::string_view help, Labels labels = {});
  // `upper_bounds` must be finite and strictly increasing; every series of one histogram
  // family must use the same bounds.
  Histogram& AddHistogram(absl::string_view name, absl::string_view help,
                          std::vector<double> upper_bounds, Labels labels = {});

  // The whole registry in Prometheus text format; ends with a newline unless empty.
  std::string RenderPrometheusText() const;

  // OK, or the first invalid registration (name, labels and reason).
  absl::Status registration_status() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  using Series =
      std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>>;
  struct Family {
    Type type;
    std::string help;
    std::vector<double> upper_bounds;  // histograms only
    absl::btree_map<Labels, Series> series;
  };

  // Returns the series for (name, labels), creating it with `make` when new; nullptr (after
  // recording the reason) when the registration is invalid.
  template <typename Metric, typename Make>
  Metric* GetOrCreate(absl::string_view name, absl::string_view help, Type type,
                      const std::vector<double>* upper_bounds, Labels labels, Make make);
  static absl::string_view TypeName(Type type);
  void RecordError(absl::string_view name, absl::string_view reason)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::btree_map<std::string, Family> families_ ABSL_GUARDED_BY(mu_);
  std::vector<Series> detached_ ABSL_GUARDED_BY(mu_);
  absl::Status registration_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace liminal::metrics

#endif  // LIMINAL_CORE_METRICS_REGISTRY_H_
