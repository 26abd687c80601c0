#include "sim/workload/scenarios.h"

#include <algorithm>

#include "sim/kernel/rng.h"

namespace liminal::sim {
namespace {

// Seeded building blocks shared by the families.
class Builder {
 public:
  explicit Builder(uint64_t seed) : rng_(seed) {}
  Rng& rng() { return rng_; }

  uint32_t Between(uint32_t lo, uint32_t hi) { return static_cast<uint32_t>(rng_.Range(lo, hi)); }
  bool Chance(int percent) { return rng_.Chance(static_cast<uint64_t>(percent), 100); }

  LinkSpec Link(bool chunky) {
    LinkSpec link;
    link.latency_us = Chance(50) ? 0 : Between(1, 400);
    link.jitter_us = Chance(70) ? 0 : Between(1, 200);
    if (chunky || Chance(30)) link.max_chunk = Between(1, 16);
    return link;
  }

  ClientSpec Client(uint32_t start_us, bool chunky = false) {
    ClientSpec c;
    c.start_us = start_us;
    c.to_server = Link(chunky);
    c.to_client = Link(chunky);
    c.accept_delay_us = Chance(50) ? 0 : Between(1, 300);
    if (Chance(15)) {
      c.window = Between(16, 256);  // a slow consumer
      c.read_pause_us = Between(50, 500);
    }
    switch (rng_.Uniform(6)) {
      case 0:
      case 1:
        c.on_push = PushPolicy::kAnswer;
        break;
      case 2:
        c.on_push = PushPolicy::kAnswerLate;
        c.answer_delay_us = Between(100, 20'000);
        break;
      case 3:
        c.on_push = PushPolicy::kNever;
        break;
      case 4:
        c.on_push = PushPolicy::kWrongId;
        break;
      default:
        c.on_push = PushPolicy::kAnswer;
        break;
    }
    switch (rng_.Uniform(4)) {
      case 0:
        c.on_disconnect = DisconnectPolicy::kIgnore;
        break;
      case 1:
        c.on_disconnect = DisconnectPolicy::kCloseLate;
        c.close_delay_us = Between(100, 30'000);
        break;
      default:
        c.on_disconnect = DisconnectPolicy::kClose;
        break;
    }
    return c;
  }

  ClientOp Op(ClientOpKind kind, uint32_t max_delay_us, uint32_t arg = 0, uint32_t arg2 = 0) {
    return ClientOp{kind, max_delay_us == 0 ? 0 : Between(0, max_delay_us), arg, arg2};
  }

  // Ordinary traffic after a handshake.
  ClientOp TrafficOp(uint32_t max_delay_us) {
    switch (rng_.Uniform(9)) {
      case 0:
        return Op(ClientOpKind::kSubscribe, max_delay_us, Between(0, 3));
      case 1:
      case 2:
        return Op(ClientOpKind::kPublish, max_delay_us, Between(0, 3), Between(0, 199));
      case 3:
        return Op(ClientOpKind::kOpenConversation, max_delay_us, Between(1, 3), Between(0, 2));
      case 4:
        return Op(ClientOpKind::kConversationMessage, max_delay_us, Between(1, 3), Between(0, 3));
      case 5:
        return Op(ClientOpKind::kPing, max_delay_us);
      case 6:
        return Op(ClientOpKind::kUnsubscribe, max_delay_us, Between(1, 3));
      case 7:
        return Op(ClientOpKind::kCloseConversation, max_delay_us, Between(1, 3));
      default:
        return Op(ClientOpKind::kAck, max_delay_us, Between(1, 5));
    }
  }

  // How a client leaves on its own (or does not).
  void MaybeLeave(ClientSpec& c, uint32_t max_delay_us, int percent) {
    if (!Chance(percent)) return;
    switch (rng_.Uniform(3)) {
      case 0:
        c.ops.push_back(Op(ClientOpKind::kReset, max_delay_us));
        break;
      case 1:
        c.ops.push_back(Op(ClientOpKind::kHalfClose, max_delay_us));
        break;
      default:
        c.ops.push_back(Op(ClientOpKind::kDisconnectFrame, max_delay_us));
        break;
    }
  }

  AppAction Push(uint32_t at_us, uint32_t client, bool may_abandon = true) {
    AppAction a;
    a.kind = AppActionKind::kPush;
    if (may_abandon && Chance(15)) {
      a.kind = AppActionKind::kPushAbandon;
    } else if (Chance(30)) {
      a.kind = AppActionKind::kPushAsync;
    }
    a.at_us = at_us;
    a.client = client;
    a.timeout_us = Between(500, 40'000);
    return a;
  }

  FaultAction Fault(FaultKind kind, uint32_t at_us, uint32_t client, uint32_t count = 1) {
    return FaultAction{kind, at_us, client, count};
  }

 private:
  Rng rng_;
};

// When the client's last op runs (its start plus every pause), in microseconds.
uint32_t ScriptEnd(const ClientSpec& c) {
  uint32_t end = c.start_us;
  for (const ClientOp& op : c.ops) end += op.delay_us;
  return end;
}

void Finish(Workload& w, Builder& b, uint32_t last_activity_us) {
  w.shutdown.at_us = last_activity_us + b.Between(1'000, 10'000);
  w.shutdown.drain_us = b.Between(1'000, 30'000);
  w.shutdown.every_connection = b.Chance(70);
}

Workload SpawnCrash(Builder& b) {
  Workload w;
  w.family = "spawn-crash";
  const uint32_t clients = b.Between(2, 5);
  uint32_t last = 0;
  for (uint32_t i = 0; i < clients; ++i) {
    ClientSpec c = b.Client(b.Between(0, 3'000));
    c.to_server.latency_us = b.Chance(60) ? 0 : c.to_server.latency_us;
    if (b.Chance(80)) c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
    if (b.Chance(30)) c.ops.push_back(b.Op(ClientOpKind::kGarbage, 0, b.Between(1, 20)));
    const uint32_t n = b.Between(0, 3);
    for (uint32_t k = 0; k < n; ++k) c.ops.push_back(b.TrafficOp(500));
    b.MaybeLeave(c, 300, 30);
    last = std::max(last, c.start_us + 2'000);
    // The crash lands at, or just after, the spawn.
    if (b.Chance(50)) {
      w.faults.push_back(b.Fault(FaultKind::kCrashOnSpawn, 0, i));
    } else if (b.Chance(60)) {
      w.faults.push_back(
          b.Fault(FaultKind::kCrash, c.start_us + c.accept_delay_us + b.Between(0, 300), i));
    }
    if (b.Chance(40)) w.app.push_back(b.Push(c.start_us + b.Between(0, 500), i));
    w.clients.push_back(std::move(c));
  }
  const uint32_t reaps = b.Between(0, 3);
  for (uint32_t k = 0; k < reaps; ++k) {
    w.app.push_back(AppAction{AppActionKind::kReap, b.Between(0, last), 0, 0, 0});
  }
  Finish(w, b, last);
  return w;
}

Workload OrphanReap(Builder& b) {
  Workload w;
  w.family = "orphan-reap";
  const uint32_t clients = b.Between(3, 7);
  uint32_t last = 0;
  for (uint32_t i = 0; i < clients; ++i) {
    ClientSpec c = b.Client(b.Between(0, 2'000));
    c.to_server.latency_us = 0;
    c.accept_delay_us = b.Chance(50) ? 0 : b.Between(1, 200);
    // Short-lived: dies in its first slices (garbage, reset, EOF) or right after Connect.
    switch (b.rng().Uniform(5)) {
      case 0:
        c.ops.push_back(b.Op(ClientOpKind::kGarbage, 0, b.Between(1, 30)));
        break;
      case 1:
        c.ops.push_back(b.Op(ClientOpKind::kReset, 0));
        break;
      case 2:
        c.ops.push_back(b.Op(ClientOpKind::kHalfClose, 0));
        break;
      case 3:
        c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
        c.ops.push_back(b.Op(ClientOpKind::kDisconnectFrame, 200));
        break;
      default:
        c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
        c.ops.push_back(b.TrafficOp(300));
        break;
    }
    if (b.Chance(40)) w.faults.push_back(b.Fault(FaultKind::kCrashOnSpawn, 0, i));
    // The runtime loses the process's exit notice: its record is an orphan that only
    // ReapCrashedConnections (or the shutdown's force close) removes.
    if (b.Chance(20)) w.faults.push_back(b.Fault(FaultKind::kLoseExitNotice, 0, i));
    if (b.Chance(25)) w.app.push_back(b.Push(c.start_us + b.Between(0, 400), i));
    last = std::max(last, c.start_us + 1'000);
    w.clients.push_back(std::move(c));
  }
  const uint32_t reaps = b.Between(1, 4);
  for (uint32_t k = 0; k < reaps; ++k) {
    w.app.push_back(AppAction{AppActionKind::kReap, b.Between(0, last + 1'000), 0, 0, 0});
  }
  Finish(w, b, last);
  return w;
}

Workload PushVsClose(Builder& b) {
  Workload w;
  w.family = "push-vs-close";
  const uint32_t clients = b.Between(2, 4);
  uint32_t last = 0;
  for (uint32_t i = 0; i < clients; ++i) {
    ClientSpec c = b.Client(b.Between(0, 1'000));
    c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
    if (b.Chance(40)) c.ops.push_back(b.Op(ClientOpKind::kRegisterWorker, 300));
    const uint32_t n = b.Between(0, 3);
    for (uint32_t k = 0; k < n; ++k) c.ops.push_back(b.TrafficOp(1'000));
    b.MaybeLeave(c, 4'000, 60);
    const uint32_t close_at = ScriptEnd(c) + 2'000;
    // Pushes land before, around and after the close.
    const uint32_t pushes = b.Between(1, 4);
    for (uint32_t k = 0; k < pushes; ++k) {
      w.app.push_back(b.Push(b.Between(c.start_us, close_at + 2'000), i));
    }
    if (b.Chance(30))
      w.faults.push_back(b.Fault(FaultKind::kCrash, b.Between(c.start_us, close_at), i));
    if (b.Chance(20))
      w.faults.push_back(b.Fault(FaultKind::kKillPeer, b.Between(c.start_us, close_at), i));
    if (b.Chance(35)) {
      w.faults.push_back(
          b.Fault(FaultKind::kFailWakes, b.Between(c.start_us, close_at), i, b.Between(1, 2)));
    }
    if (b.Chance(25)) {
      // A burst: pushes at one instant, with the first wake failing, so a control is
      // queued behind the one being rolled back (the rollback must remove the right one).
      const uint32_t at = b.Between(c.start_us + 200, close_at);
      w.faults.push_back(b.Fault(FaultKind::kFailWakes, at, i, 1));
      const uint32_t burst = b.Between(2, 3);
      for (uint32_t k = 0; k < burst; ++k) w.app.push_back(b.Push(at, i));
    }
    last = std::max(last, close_at + 2'000);
    w.clients.push_back(std::move(c));
  }
  Finish(w, b, last);
  return w;
}

Workload RegisterVsClose(Builder& b) {
  Workload w;
  w.family = "register-vs-close";
  const uint32_t clients = b.Between(2, 5);
  uint32_t last = 0;
  for (uint32_t i = 0; i < clients; ++i) {
    ClientSpec c = b.Client(b.Between(0, 1'500));
    c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
    const uint32_t registrations = b.Between(1, 3);
    for (uint32_t k = 0; k < registrations; ++k) {
      c.ops.push_back(b.Op(
          b.Chance(40) ? ClientOpKind::kRegisterRejected : ClientOpKind::kRegisterWorker, 200));
    }
    b.MaybeLeave(c, 300, 70);
    const uint32_t close_at = ScriptEnd(c) + 500;
    if (b.Chance(35))
      w.faults.push_back(b.Fault(FaultKind::kCrash, b.Between(c.start_us, close_at + 300), i));
    if (b.Chance(20))
      w.faults.push_back(b.Fault(FaultKind::kKillPeer, b.Between(c.start_us, close_at), i));
    if (b.Chance(20)) w.app.push_back(b.Push(b.Between(c.start_us, close_at), i));
    last = std::max(last, close_at + 1'000);
    w.clients.push_back(std::move(c));
  }
  Finish(w, b, last);
  return w;
}

Workload ShutdownDrain(Builder& b) {
  Workload w;
  w.family = "shutdown-drain";
  const uint32_t clients = b.Between(3, 6);
  const uint32_t shutdown_at = b.Between(1'000, 8'000);
  for (uint32_t i = 0; i < clients; ++i) {
    // A few clients arrive during or after the shutdown, some at the very instant it starts
    // (coinciding virtual times are where the acceptor races the shutdown sequence).
    uint32_t start = b.Between(0, shutdown_at);
    bool at_shutdown = false;
    if (b.Chance(15)) {
      start = shutdown_at;
      at_shutdown = true;
    } else if (b.Chance(15)) {
      start = b.Between(shutdown_at - 500, shutdown_at + 2'000);
    }
    ClientSpec c = b.Client(start);
    if (at_shutdown) c.accept_delay_us = 0;
    c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
    if (b.Chance(60)) c.ops.push_back(b.Op(ClientOpKind::kSubscribe, 300, b.Between(0, 2)));
    const uint32_t n = b.Between(1, 5);
    for (uint32_t k = 0; k < n; ++k) {
      c.ops.push_back(b.Op(ClientOpKind::kPublish, 1'500, b.Between(0, 2), b.Between(0, 150)));
    }
    if (b.Chance(25)) c.ops.push_back(b.Op(ClientOpKind::kRegisterWorker, 500));
    b.MaybeLeave(c, 3'000, 20);
    if (b.Chance(30)) w.app.push_back(b.Push(b.Between(start, shutdown_at + 3'000), i));
    if (b.Chance(10)) {
      w.faults.push_back(b.Fault(FaultKind::kFailWakes,
                                 b.Between(shutdown_at - 500, shutdown_at + 200), i,
                                 b.Between(1, 2)));
    }
    if (b.Chance(10))
      w.faults.push_back(b.Fault(FaultKind::kCrash, b.Between(start, shutdown_at + 2'000), i));
    w.clients.push_back(std::move(c));
  }
  if (b.Chance(25))
    w.faults.push_back(b.Fault(FaultKind::kFailFlush, b.Between(0, shutdown_at), 0));
  w.shutdown.at_us = shutdown_at;
  w.shutdown.drain_us = b.Between(500, 20'000);
  w.shutdown.every_connection = b.Chance(60);
  return w;
}

Workload ProtocolGarbage(Builder& b) {
  Workload w;
  w.family = "protocol-garbage";
  w.server.auth = b.Chance(50);
  w.server.handshake_timeout_us = b.Between(500, 5'000);
  w.server.max_frame_bytes = b.Between(64, 1024);
  if (b.Chance(30)) w.server.idle_timeout_us = b.Between(1'000, 10'000);
  const uint32_t clients = b.Between(2, 5);
  uint32_t last = 0;
  for (uint32_t i = 0; i < clients; ++i) {
    ClientSpec c = b.Client(b.Between(0, 2'000), /*chunky=*/b.Chance(70));
    switch (b.rng().Uniform(4)) {
      case 0:
        break;  // no handshake at all: the handshake timeout closes it
      case 1:
        c.ops.push_back(b.Op(
            b.Chance(50) ? ClientOpKind::kHandshakeBadVersion : ClientOpKind::kHandshakeBadToken,
            0));
        break;
      default:
        c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
        break;
    }
    const uint32_t n = b.Between(1, 4);
    for (uint32_t k = 0; k < n; ++k) {
      switch (b.rng().Uniform(8)) {
        case 0:
          c.ops.push_back(b.Op(ClientOpKind::kGarbage, 500, b.Between(1, 40)));
          break;
        case 1:
          c.ops.push_back(b.Op(ClientOpKind::kOversize, 500, b.Between(0, 100)));
          break;
        case 2:
          c.ops.push_back(b.Op(ClientOpKind::kTruncated, 500));
          break;
        case 3:
          c.ops.push_back(b.Op(ClientOpKind::kUnknownFrameType, 500));
          break;
        case 4:
          c.ops.push_back(b.Op(ClientOpKind::kHandshake, 500));  // a second Connect
          break;
        default:
          c.ops.push_back(b.TrafficOp(500));
          break;
      }
    }
    b.MaybeLeave(c, 1'000, 25);
    last = std::max(last, c.start_us + 3'000 + w.server.handshake_timeout_us);
    w.clients.push_back(std::move(c));
  }
  Finish(w, b, last);
  return w;
}

// Clients publish in bursts (back-to-back writes) at a server whose connections have a tiny
// inbox: input backpressure (the socket stops reading above the bound) is exercised on every
// connection.
Workload InboxFlood(Builder& b) {
  Workload w;
  w.family = "inbox-flood";
  w.server.max_inbox_bytes = b.Between(16, 128);
  const uint32_t clients = b.Between(2, 3);
  uint32_t last = 0;
  for (uint32_t i = 0; i < clients; ++i) {
    ClientSpec c = b.Client(b.Between(0, 1'000), /*chunky=*/b.Chance(30));
    c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
    const uint32_t bursts = b.Between(1, 2);
    for (uint32_t k = 0; k < bursts; ++k) {
      const uint32_t n = b.Between(3, 8);
      for (uint32_t m = 0; m < n; ++m) {
        c.ops.push_back(
            b.Op(ClientOpKind::kPublish, m == 0 ? 2'000 : 0, b.Between(0, 2), b.Between(50, 199)));
      }
    }
    b.MaybeLeave(c, 1'000, 20);
    last = std::max(last, ScriptEnd(c) + 1'000);
    w.clients.push_back(std::move(c));
  }
  Finish(w, b, last);
  return w;
}

Workload Mixed(Builder& b) {
  Workload w;
  w.family = "mixed";
  w.server.auth = b.Chance(20);
  w.server.max_outbound_bytes = b.Chance(30) ? b.Between(64, 512) : 8192;
  if (b.Chance(20)) w.server.idle_timeout_us = b.Between(2'000, 15'000);
  if (b.Chance(15)) w.server.max_connections = b.Between(1, 4);
  const uint32_t clients = b.Between(2, 6);
  uint32_t last = 0;
  for (uint32_t i = 0; i < clients; ++i) {
    ClientSpec c = b.Client(b.Between(0, 3'000));
    if (b.Chance(85)) c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
    const uint32_t n = b.Between(0, 6);
    for (uint32_t k = 0; k < n; ++k) {
      const uint64_t pick = b.rng().Uniform(10);
      if (pick == 0) {
        c.ops.push_back(b.Op(
            b.Chance(70) ? ClientOpKind::kRegisterWorker : ClientOpKind::kRegisterRejected, 800));
      } else if (pick == 1) {
        c.ops.push_back(b.Op(ClientOpKind::kGarbage, 800, b.Between(1, 30)));
      } else {
        c.ops.push_back(b.TrafficOp(800));
      }
    }
    b.MaybeLeave(c, 2'000, 40);
    const uint32_t end = ScriptEnd(c) + 1'000;
    const uint32_t pushes = b.Between(0, 2);
    for (uint32_t k = 0; k < pushes; ++k)
      w.app.push_back(b.Push(b.Between(c.start_us, end + 1'000), i));
    if (b.Chance(15)) w.faults.push_back(b.Fault(FaultKind::kCrashOnSpawn, 0, i));
    if (b.Chance(15)) w.faults.push_back(b.Fault(FaultKind::kCrash, b.Between(c.start_us, end), i));
    if (b.Chance(10))
      w.faults.push_back(b.Fault(FaultKind::kKillPeer, b.Between(c.start_us, end), i));
    if (b.Chance(20)) {
      w.faults.push_back(
          b.Fault(FaultKind::kFailWakes, b.Between(c.start_us, end), i, b.Between(1, 2)));
    }
    last = std::max(last, end + 1'000);
    w.clients.push_back(std::move(c));
  }
  if (b.Chance(50)) {
    w.app.push_back(
        AppAction{AppActionKind::kRegisterResponder, b.Between(0, 1'000), 0, 0, b.Between(0, 1)});
  }
  if (b.Chance(30)) w.app.push_back(AppAction{AppActionKind::kReap, b.Between(0, last), 0, 0, 0});
  if (b.Chance(10)) w.faults.push_back(b.Fault(FaultKind::kFailFlush, b.Between(0, last), 0));
  Finish(w, b, last);
  if (b.Chance(30)) w.shutdown.at_us = b.Between(last / 2, last);  // shutdown mid-traffic
  return w;
}

}  // namespace

std::vector<std::string> ScenarioNames() {
  return {"spawn-crash",      "orphan-reap", "push-vs-close", "register-vs-close", "shutdown-drain",
          "protocol-garbage", "inbox-flood", "mixed",         "durable-crash"};
}

bool IsScenario(std::string_view name) {
  for (const std::string& known : ScenarioNames()) {
    if (known == name) return true;
  }
  return false;
}

std::optional<Workload> GenerateWorkload(std::string_view scenario, uint64_t seed) {
  Builder b(DeriveSeed(seed, scenario));
  if (scenario == "spawn-crash") return SpawnCrash(b);
  if (scenario == "orphan-reap") return OrphanReap(b);
  if (scenario == "push-vs-close") return PushVsClose(b);
  if (scenario == "register-vs-close") return RegisterVsClose(b);
  if (scenario == "shutdown-drain") return ShutdownDrain(b);
  if (scenario == "protocol-garbage") return ProtocolGarbage(b);
  if (scenario == "inbox-flood") return InboxFlood(b);
  if (scenario == "mixed") return Mixed(b);
  return std::nullopt;
}

}  // namespace liminal::sim
