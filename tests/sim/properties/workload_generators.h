// rapidcheck generators for simulation workloads. Every field is generated independently
// (gen::build), lists are small and shrink by dropping elements, numbers shrink toward
// their lower bound and enums toward their first value, so a failing workload shrinks to
// few clients, few ops and early times. showValue prints a workload as the CLI does.
#ifndef LIMINAL_TESTS_SIM_PROPERTIES_WORKLOAD_GENERATORS_H_
#define LIMINAL_TESTS_SIM_PROPERTIES_WORKLOAD_GENERATORS_H_

#include <rapidcheck.h>

#include <ostream>

#include "sim/workload/workload.h"

namespace liminal::sim {

rc::Gen<ClientOp> GenClientOp();
rc::Gen<ClientSpec> GenClient();
rc::Gen<AppAction> GenAppAction();
rc::Gen<FaultAction> GenFault();
rc::Gen<Workload> GenWorkload();

void showValue(const Workload& workload, std::ostream& os);

}  // namespace liminal::sim

#endif  // LIMINAL_TESTS_SIM_PROPERTIES_WORKLOAD_GENERATORS_H_
