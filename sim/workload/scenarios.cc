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

  // --- Messaging roles (pubsub-credit, fanout-shed, conversations, worker-dispatch,
  // routing, and `mixed`) ---

  // A well-behaved client of the messaging families: it answers pushes and closes on
  // Disconnect; `slow_percent` of them read slowly through a small window.
  ClientSpec Messenger(uint32_t start_us, int slow_percent) {
    ClientSpec c = Client(start_us);
    c.window = 1 << 20;
    c.read_pause_us = 0;
    if (Chance(slow_percent)) {
      c.window = Between(64, 1024);
      c.read_pause_us = Between(20, 400);
    }
    c.on_push = Chance(80) ? PushPolicy::kAnswer : PushPolicy::kAnswerLate;
    c.answer_delay_us = Between(100, 15'000);
    c.on_disconnect = DisconnectPolicy::kClose;
    c.ops.push_back(Op(ClientOpKind::kHandshake, 0));
    return c;
  }

  // How an ACKS subscriber consumes: late Accepts, some Defers and Rejects.
  AckPolicy Acks() {
    AckPolicy ack;
    if (Chance(50)) ack.accept_delay_us = Between(10, 2'000);
    if (Chance(40)) ack.defer_percent = Between(1, 20);
    if (Chance(30)) ack.reject_percent = Between(1, 10);
    return ack;
  }

  // Subscribe to `channel` (0..2), with ACKS and a small credit window `acks_percent` of
  // the time.
  ClientOp SubscribeTo(uint32_t channel, int acks_percent, uint32_t max_delay_us) {
    const bool acks = Chance(acks_percent);
    return Op(ClientOpKind::kSubscribe, max_delay_us, channel + (acks ? 0 : 4),
              Chance(20) ? 0 : Between(1, 6));
  }

  // One publish to `channel`: a fresh message, or (keyed_percent) one with an idempotency
  // key out of four per client, so some repeat a key.
  ClientOp PublishTo(uint32_t channel, int keyed_percent, uint32_t max_delay_us) {
    if (Chance(keyed_percent)) {
      return Op(ClientOpKind::kPublishKeyed, max_delay_us, channel, Between(0, 39));
    }
    return Op(ClientOpKind::kPublish, max_delay_us, channel, Between(0, 120));
  }

  // A subscriber: 1-3 subscriptions, sometimes an Unsubscribe or a manual Accept later,
  // sometimes it leaves mid-run.
  ClientSpec Subscriber(uint32_t start_us, int slow_percent, int leave_percent,
                        uint32_t channels = 3) {
    ClientSpec c = Messenger(start_us, slow_percent);
    c.ack = Acks();
    const uint32_t subscriptions = Between(1, 3);
    for (uint32_t k = 0; k < subscriptions; ++k) {
      c.ops.push_back(SubscribeTo(Between(0, channels - 1), 70, 300));
    }
    if (Chance(15)) c.ops.push_back(Op(ClientOpKind::kAck, 3'000, Between(1, subscriptions), 0));
    if (Chance(15)) c.ops.push_back(Op(ClientOpKind::kUnsubscribe, 4'000, Between(1, 3)));
    MaybeLeave(c, 6'000, leave_percent);
    return c;
  }

  // A publisher of `count` messages, paced by up to `gap_us` between them.
  ClientSpec Publisher(uint32_t start_us, uint32_t count, uint32_t gap_us, int keyed_percent,
                       uint32_t channels = 3) {
    ClientSpec c = Messenger(start_us, 5);
    for (uint32_t k = 0; k < count; ++k) {
      c.ops.push_back(PublishTo(Between(0, channels - 1), keyed_percent, gap_us));
    }
    return c;
  }

  // A conversation client: opens conversations on `subjects` (kOpenConversation's arg2
  // values), sends requests (mostly flagged), closes and reopens some.
  ClientSpec Conversant(uint32_t start_us, std::vector<uint32_t> subjects, uint32_t requests) {
    ClientSpec c = Messenger(start_us, 10);
    const uint32_t slots = Between(1, 3);
    for (uint32_t slot = 1; slot <= slots; ++slot) {
      c.ops.push_back(
          Op(ClientOpKind::kOpenConversation, 200, slot, subjects[rng_.Uniform(subjects.size())]));
    }
    for (uint32_t k = 0; k < requests; ++k) {
      const uint32_t slot = Between(1, slots);
      if (Chance(8)) {
        c.ops.push_back(Op(ClientOpKind::kCloseConversation, 500, slot));
        c.ops.push_back(Op(ClientOpKind::kOpenConversation, 300, slot,
                           subjects[rng_.Uniform(subjects.size())]));
      }
      c.ops.push_back(Op(ClientOpKind::kConversationMessage, 800, slot, Chance(85) ? 1 : 0));
    }
    return c;
  }

  // A worker: registers for a queue (0 jobs, 1 emails), sometimes re-registers for the
  // other one or is refused once.
  ClientSpec Worker(uint32_t start_us, int reregister_percent = 35) {
    ClientSpec c = Messenger(start_us, 10);
    const uint32_t queue = Between(0, 1);
    c.ops.push_back(Op(ClientOpKind::kRegisterWorker, 100, queue));
    if (Chance(15)) c.ops.push_back(Op(ClientOpKind::kRegisterRejected, 200, queue));
    if (Chance(reregister_percent)) {
      c.ops.push_back(Op(ClientOpKind::kRegisterWorker, 400, 1 - queue));
    }
    return c;
  }

  // When the liveness check may run: after `last_us` (the last op or fault), plus room for
  // reply timeouts, late pushes and Accepts, and slow readers draining a full backlog.
  uint32_t LivenessCut(const Workload& w, uint32_t last_us) const {
    uint64_t settle = 80'000;
    for (const ClientSpec& c : w.clients) {
      if (c.read_pause_us == 0) continue;
      const uint64_t reads = 80ull * (300 / std::max<uint32_t>(c.window, 1) + 1);
      const uint64_t per_read =
          c.read_pause_us + 2ull * (c.to_client.latency_us + c.to_client.jitter_us + 1);
      settle = std::max<uint64_t>(settle, 80'000 + reads * per_read);
    }
    return last_us + static_cast<uint32_t>(std::min<uint64_t>(settle, 3'000'000));
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

// Each of the first `count` clients, with probability `percent`, gets a `kind` fault at a
// random time between 500 us and `after_script_us` past the end of its script.
void FaultSomeClients(Workload& w, Builder& b, FaultKind kind, uint32_t percent,
                      uint32_t after_script_us, size_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    if (b.Chance(percent)) {
      w.faults.push_back(
          b.Fault(kind, b.Between(500, ScriptEnd(w.clients[i]) + after_script_us), i));
    }
  }
}

// Messaging families: the end of the clients' scripts and faults, then a liveness cut, then
// the shutdown.
void FinishMessaging(Workload& w, Builder& b, uint32_t last_us) {
  for (const ClientSpec& c : w.clients) last_us = std::max(last_us, ScriptEnd(c));
  for (const FaultAction& f : w.faults) last_us = std::max(last_us, f.at_us);
  w.liveness_cut_us = b.LivenessCut(w, last_us);
  w.shutdown.at_us = w.liveness_cut_us + b.Between(100, 5'000);
  w.shutdown.drain_us = b.Between(1'000, 30'000);
  w.shutdown.every_connection = b.Chance(70);
}

// Responders for "slow" (replies after 3 ms) and "mute" (never replies).
void RegisterResponders(Workload& w) {
  w.app.push_back(AppAction{AppActionKind::kRegisterResponder, 0, 0, 0, 0});
  w.app.push_back(AppAction{AppActionKind::kRegisterResponder, 0, 0, 0, 1});
}

Workload PubsubCredit(Builder& b) {
  Workload w;
  w.family = "pubsub-credit";
  const uint32_t subscribers = b.Between(2, 8);
  for (uint32_t i = 0; i < subscribers; ++i) {
    w.clients.push_back(b.Subscriber(b.Between(0, 1'500), 25, 20));
  }
  const uint32_t publishers = b.Between(2, 6);
  for (uint32_t i = 0; i < publishers; ++i) {
    w.clients.push_back(b.Publisher(b.Between(500, 3'000), b.Between(5, 40), 300, 25));
  }
  FaultSomeClients(w, b, FaultKind::kCrash, /*percent=*/6, /*after_script_us=*/500,
                   w.clients.size());
  FinishMessaging(w, b, 0);
  return w;
}

Workload FanoutShed(Builder& b) {
  Workload w;
  w.family = "fanout-shed";
  // Many subscribers on few channels, some slow enough to be shed by a burst.
  const uint32_t channels = b.Between(1, 2);
  const uint32_t subscribers = b.Between(4, 12);
  for (uint32_t i = 0; i < subscribers; ++i) {
    ClientSpec c = b.Subscriber(b.Between(0, 1'000), 45, 15, channels);
    if (c.read_pause_us > 0 && b.Chance(50)) c.window = b.Between(16, 96);
    w.clients.push_back(std::move(c));
  }
  const uint32_t publishers = b.Between(1, 4);
  for (uint32_t i = 0; i < publishers; ++i) {
    w.clients.push_back(b.Publisher(b.Between(800, 2'000), b.Between(10, 60), 60, 10, channels));
  }
  FaultSomeClients(w, b, FaultKind::kKillPeer, /*percent=*/5, /*after_script_us=*/500,
                   w.clients.size());
  FinishMessaging(w, b, 0);
  return w;
}

Workload Conversations(Builder& b) {
  Workload w;
  w.family = "conversations";
  RegisterResponders(w);
  const uint32_t clients = b.Between(2, 8);
  for (uint32_t i = 0; i < clients; ++i) {
    // Subjects: echo, slow (3 ms), mute (times out).
    ClientSpec c = b.Conversant(b.Between(0, 2'000), {0, 1, 1, 2}, b.Between(3, 25));
    b.MaybeLeave(c, 5'000, 15);
    w.clients.push_back(std::move(c));
  }
  FaultSomeClients(w, b, FaultKind::kCrash, /*percent=*/6, /*after_script_us=*/500,
                   w.clients.size());
  FinishMessaging(w, b, 0);
  return w;
}

Workload WorkerDispatch(Builder& b) {
  Workload w;
  w.family = "worker-dispatch";
  const uint32_t workers = b.Between(1, 5);
  for (uint32_t i = 0; i < workers; ++i) {
    ClientSpec c = b.Worker(b.Between(0, 1'000));
    b.MaybeLeave(c, 8'000, 20);
    w.clients.push_back(std::move(c));
  }
  const uint32_t requesters = b.Between(1, 5);
  for (uint32_t i = 0; i < requesters; ++i) {
    // Subjects: worker.jobs, worker.emails, and now and then echo.
    w.clients.push_back(b.Conversant(b.Between(1'500, 3'000), {3, 4, 3, 4, 0}, b.Between(3, 20)));
  }
  FaultSomeClients(w, b, FaultKind::kCrash, /*percent=*/8, /*after_script_us=*/3'000, workers);
  FinishMessaging(w, b, 0);
  return w;
}

Workload Routing(Builder& b) {
  Workload w;
  w.family = "routing";
  // 'orders' messages with prio >= 5 are copied to 'audit'; subscribers watch both.
  const uint32_t subscribers = b.Between(2, 6);
  for (uint32_t i = 0; i < subscribers; ++i) {
    ClientSpec c = b.Messenger(b.Between(0, 1'000), 15);
    c.ack = b.Acks();
    c.ops.push_back(b.SubscribeTo(b.Chance(60) ? 2 : 0, 60, 300));  // audit or orders
    if (b.Chance(40)) c.ops.push_back(b.SubscribeTo(b.Between(0, 2), 60, 300));
    b.MaybeLeave(c, 6'000, 10);
    w.clients.push_back(std::move(c));
  }
  const uint32_t publishers = b.Between(1, 4);
  for (uint32_t i = 0; i < publishers; ++i) {
    ClientSpec c = b.Messenger(b.Between(800, 2'000), 5);
    const uint32_t count = b.Between(5, 40);
    for (uint32_t k = 0; k < count; ++k) {
      // Mostly 'orders' (the rule's source), some 'audit' directly.
      c.ops.push_back(b.PublishTo(b.Chance(75) ? 0 : 2, 15, 300));
    }
    w.clients.push_back(std::move(c));
  }
  FinishMessaging(w, b, 0);
  return w;
}

Workload Mixed(Builder& b) {
  Workload w;
  w.family = "mixed";
  w.server.auth = b.Chance(20);
  w.server.max_outbound_bytes = b.Chance(30) ? b.Between(64, 512) : 8192;
  if (b.Chance(20)) w.server.idle_timeout_us = b.Between(2'000, 15'000);
  if (b.Chance(15)) w.server.max_connections = b.Between(1, 4);
  const uint32_t clients = b.Between(2, 7);
  uint32_t last = 0;
  for (uint32_t i = 0; i < clients; ++i) {
    // Each client plays a role drawn from every family: the supervisor races' random
    // traffic, or one of the messaging roles (small, so `mixed` stays fast).
    ClientSpec c;
    switch (b.rng().Uniform(8)) {
      case 0:  // on 'orders' and 'events' only, so its credit window fills up
        c = b.Subscriber(b.Between(0, 2'000), 20, 20, /*channels=*/2);
        break;
      case 1:
        c = b.Publisher(b.Between(0, 3'000), b.Between(4, 16), 300, 25, /*channels=*/2);
        break;
      case 2:
        c = b.Conversant(b.Between(1'000, 3'000), {0, 1, 2, 3, 4, 3, 4}, b.Between(1, 6));
        break;
      case 3:
        c = b.Worker(b.Between(0, 2'000), /*reregister_percent=*/60);
        break;
      default: {
        c = b.Client(b.Between(0, 3'000));
        if (b.Chance(85)) c.ops.push_back(b.Op(ClientOpKind::kHandshake, 0));
        const uint32_t n = b.Between(0, 6);
        for (uint32_t k = 0; k < n; ++k) {
          const uint64_t pick = b.rng().Uniform(10);
          if (pick == 0) {
            c.ops.push_back(
                b.Op(b.Chance(70) ? ClientOpKind::kRegisterWorker : ClientOpKind::kRegisterRejected,
                     800, b.Between(0, 1)));
          } else if (pick == 1) {
            c.ops.push_back(b.Op(ClientOpKind::kGarbage, 800, b.Between(1, 30)));
          } else {
            c.ops.push_back(b.TrafficOp(800));
          }
        }
        break;
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
  if (b.Chance(30)) {
    Finish(w, b, last);
    w.shutdown.at_us = b.Between(last / 2, last);  // shutdown mid-traffic: no liveness check
  } else {
    FinishMessaging(w, b, last);
  }
  return w;
}

}  // namespace

std::vector<std::string> ScenarioNames() {
  return {"spawn-crash",      "orphan-reap", "push-vs-close", "register-vs-close", "shutdown-drain",
          "protocol-garbage", "inbox-flood", "pubsub-credit", "fanout-shed",       "conversations",
          "worker-dispatch",  "routing",     "mixed",         "durable-crash"};
}

bool IsScenario(std::string_view name) {
  for (const std::string& known : ScenarioNames()) {
    if (known == name) return true;
  }
  return false;
}

bool IsMessagingScenario(std::string_view name) {
  return name == "pubsub-credit" || name == "fanout-shed" || name == "conversations" ||
         name == "worker-dispatch" || name == "routing";
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
  if (scenario == "pubsub-credit") return PubsubCredit(b);
  if (scenario == "fanout-shed") return FanoutShed(b);
  if (scenario == "conversations") return Conversations(b);
  if (scenario == "worker-dispatch") return WorkerDispatch(b);
  if (scenario == "routing") return Routing(b);
  if (scenario == "mixed") return Mixed(b);
  return std::nullopt;
}

}  // namespace liminal::sim
