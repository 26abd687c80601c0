#include "workload_generators.h"

#include <vector>

namespace liminal::sim {
namespace {

template <typename T>
rc::Gen<std::vector<T>> SmallList(int max, rc::Gen<T> element) {
  return rc::gen::resize(max, rc::gen::container<std::vector<T>>(std::move(element)));
}

rc::Gen<uint32_t> Us(uint32_t lo, uint32_t hi) { return rc::gen::inRange<uint32_t>(lo, hi + 1); }

rc::Gen<LinkSpec> GenLink() {
  return rc::gen::build<LinkSpec>(
      rc::gen::set(&LinkSpec::latency_us, rc::gen::element<uint32_t>(0, 0, 50, 300)),
      rc::gen::set(&LinkSpec::jitter_us, rc::gen::element<uint32_t>(0, 0, 100)),
      rc::gen::set(&LinkSpec::max_chunk, rc::gen::element<uint32_t>(0, 0, 1, 3, 16)));
}

}  // namespace

rc::Gen<ClientOp> GenClientOp() {
  return rc::gen::build<ClientOp>(
      rc::gen::set(
          &ClientOp::kind,
          rc::gen::element(ClientOpKind::kHandshake, ClientOpKind::kPing, ClientOpKind::kSubscribe,
                           ClientOpKind::kPublish, ClientOpKind::kUnsubscribe,
                           ClientOpKind::kOpenConversation, ClientOpKind::kConversationMessage,
                           ClientOpKind::kCloseConversation, ClientOpKind::kRegisterWorker,
                           ClientOpKind::kRegisterRejected, ClientOpKind::kAck,
                           ClientOpKind::kDisconnectFrame, ClientOpKind::kHalfClose,
                           ClientOpKind::kReset, ClientOpKind::kGarbage, ClientOpKind::kOversize,
                           ClientOpKind::kTruncated, ClientOpKind::kUnknownFrameType,
                           ClientOpKind::kHandshakeBadVersion, ClientOpKind::kHandshakeBadToken)),
      rc::gen::set(&ClientOp::delay_us, Us(0, 1'500)), rc::gen::set(&ClientOp::arg, Us(0, 8)),
      rc::gen::set(&ClientOp::arg2, Us(0, 199)));
}

rc::Gen<ClientSpec> GenClient() {
  return rc::gen::build<ClientSpec>(
      rc::gen::set(&ClientSpec::start_us, Us(0, 3'000)),
      rc::gen::set(&ClientSpec::to_server, GenLink()),
      rc::gen::set(&ClientSpec::to_client, GenLink()),
      rc::gen::set(&ClientSpec::accept_delay_us, rc::gen::element<uint32_t>(0, 0, 100)),
      rc::gen::set(&ClientSpec::window, rc::gen::element<uint32_t>(1 << 20, 1 << 20, 64)),
      rc::gen::set(&ClientSpec::read_pause_us, rc::gen::element<uint32_t>(0, 0, 200)),
      rc::gen::set(&ClientSpec::on_push,
                   rc::gen::element(PushPolicy::kAnswer, PushPolicy::kAnswerLate,
                                    PushPolicy::kNever, PushPolicy::kWrongId)),
      rc::gen::set(&ClientSpec::answer_delay_us, Us(100, 20'000)),
      rc::gen::set(&ClientSpec::on_disconnect,
                   rc::gen::element(DisconnectPolicy::kClose, DisconnectPolicy::kCloseLate,
                                    DisconnectPolicy::kIgnore)),
      rc::gen::set(&ClientSpec::close_delay_us, Us(100, 20'000)),
      rc::gen::set(&ClientSpec::ops, SmallList(6, GenClientOp())));
}

rc::Gen<AppAction> GenAppAction() {
  return rc::gen::build<AppAction>(
      rc::gen::set(&AppAction::kind,
                   rc::gen::element(AppActionKind::kPush, AppActionKind::kPushAbandon,
                                    AppActionKind::kPushAsync, AppActionKind::kRegisterResponder,
                                    AppActionKind::kReap)),
      rc::gen::set(&AppAction::at_us, Us(0, 8'000)), rc::gen::set(&AppAction::client, Us(0, 4)),
      rc::gen::set(&AppAction::timeout_us, Us(100, 40'000)),
      rc::gen::set(&AppAction::arg, Us(0, 1)));
}

rc::Gen<FaultAction> GenFault() {
  return rc::gen::build<FaultAction>(
      rc::gen::set(&FaultAction::kind, rc::gen::element(FaultKind::kCrash, FaultKind::kCrashOnSpawn,
                                                        FaultKind::kKillPeer, FaultKind::kFailWakes,
                                                        FaultKind::kFailFlush)),
      rc::gen::set(&FaultAction::at_us, Us(0, 8'000)), rc::gen::set(&FaultAction::client, Us(0, 4)),
      rc::gen::set(&FaultAction::count, Us(1, 2)));
}

rc::Gen<Workload> GenWorkload() {
  return rc::gen::build<Workload>(
      rc::gen::set(&Workload::family, rc::gen::just(std::string("rapidcheck"))),
      rc::gen::set(
          &Workload::server,
          rc::gen::build<ServerSpec>(
              rc::gen::set(&ServerSpec::handshake_timeout_us, Us(500, 5'000)),
              rc::gen::set(&ServerSpec::max_frame_bytes, rc::gen::element<uint32_t>(4096, 64, 512)),
              rc::gen::set(&ServerSpec::max_outbound_bytes, rc::gen::element<uint32_t>(8192, 128)),
              rc::gen::set(&ServerSpec::auth, rc::gen::element(false, true)),
              rc::gen::set(&ServerSpec::idle_timeout_us, rc::gen::element<uint32_t>(0, 0, 3'000)),
              rc::gen::set(&ServerSpec::max_connections, rc::gen::element<uint32_t>(0, 0, 2)))),
      rc::gen::set(&Workload::clients, SmallList(5, GenClient())),
      rc::gen::set(&Workload::app, SmallList(6, GenAppAction())),
      rc::gen::set(&Workload::faults, SmallList(4, GenFault())),
      rc::gen::set(&Workload::shutdown, rc::gen::build<ShutdownSpec>(
                                            rc::gen::set(&ShutdownSpec::at_us, Us(2'000, 20'000)),
                                            rc::gen::set(&ShutdownSpec::drain_us, Us(500, 20'000)),
                                            rc::gen::set(&ShutdownSpec::every_connection,
                                                         rc::gen::element(true, false)))));
}

void showValue(const Workload& workload, std::ostream& os) { os << DescribeWorkload(workload); }

}  // namespace liminal::sim
