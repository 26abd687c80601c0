#include "sim/net/sim_network.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/check/check.h"
#include "sim/net/sim_socket.h"

namespace liminal::sim {

// Bytes (or the FIN) on their way in one direction. Segments arrive strictly in order:
// whichever delivery fiber runs first at an instant delivers every segment that is due.
struct Segment {
  absl::Time at;
  std::string bytes;
  bool fin = false;
};

struct SimNetwork::Conn {
  ConnId id = 0;
  ConnectionParams params;
  enum class Phase { kConnecting, kAccepted, kRefused } phase = Phase::kConnecting;

  // Client → server.
  absl::Time c2s_last;
  std::deque<Segment> c2s_in_flight;  // in arrival order
  std::string c2s_arrived;            // arrived, not yet handed to the owning process
  bool c2s_fin_sent = false;
  bool c2s_fin_arrived = false;
  bool reset_sent = false;
  bool reset_arrived = false;
  bool close_delivered = false;
  bool delivering = false;

  // Server side.
  runtime::Pid owner = runtime::kNoPid;
  bool reading = false;
  bool paused = false;
  size_t inbox_limit = SIZE_MAX;
  size_t unconsumed = 0;  // delivered as SocketData, not yet Consumed
  size_t last_read = 0;   // bytes of the latest SocketData
  bool server_closed = false;
  std::string server_queue;  // written, waiting for the client's window
  size_t in_window = 0;      // in flight to the client or unread by it
  bool above_low_water = false;

  // Server → client.
  absl::Time s2c_last;
  std::deque<Segment> s2c_in_flight;  // in arrival order
  std::string client_inbox;
  bool client_eof = false;
  FiberId reader = 0;
};

SimNetwork::SimNetwork(FiberKernel& kernel, SimScheduler& scheduler, uint64_t seed)
    : kernel_(kernel),
      scheduler_(scheduler),
      trace_(kernel.trace()),
      rng_(seed),
      listener_(*this) {}

SimNetwork::~SimNetwork() = default;

SimNetwork::Conn& SimNetwork::At(ConnId conn) {
  LIMINAL_CHECK(conn != 0 && conn <= conns_.size(), absl::StrCat("unknown connection ", conn));
  return *conns_[conn - 1];
}

const SimNetwork::Conn& SimNetwork::At(ConnId conn) const {
  return const_cast<SimNetwork*>(this)->At(conn);
}

absl::Time SimNetwork::NextArrival(absl::Time& last, const LinkParams& link) {
  absl::Duration delay = link.latency;
  if (link.jitter > absl::ZeroDuration()) {
    delay += absl::Nanoseconds(static_cast<int64_t>(
        rng_.Uniform(static_cast<uint64_t>(absl::ToInt64Nanoseconds(link.jitter)) + 1)));
  }
  last = std::max(last, kernel_.Now() + delay);  // never overtakes earlier bytes
  return last;
}

// ---- accept path -------------------------------------------------------------------------

ConnId SimNetwork::Connect(const ConnectionParams& params) {
  kernel_.SwitchPoint(SwitchKind::kSocket);
  const ConnId id = conns_.size() + 1;
  auto conn = std::make_unique<Conn>();
  conn->id = id;
  conn->params = params;
  conn->c2s_last = kernel_.Now();
  conn->s2c_last = kernel_.Now();
  conns_.push_back(std::move(conn));
  trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kConnect));
  kernel_.RunAt(kernel_.Now() + params.accept_delay, "net:accept", [this, id] { Offer(id); });
  return id;
}

void SimNetwork::Offer(ConnId id) {
  Conn& c = At(id);
  if (c.reset_sent) return;  // the client gave up before the listener saw it
  if (!accepting_ || stopped_) {
    Refuse(c);
    return;
  }
  backlog_.push_back(id);
  kernel_.Wake(acceptor_, {WaitKind::kAccept, 1});
}

void SimNetwork::Refuse(Conn& c) {
  c.phase = Conn::Phase::kRefused;
  trace_.Add(TraceKind::kNet, c.id, static_cast<uint64_t>(NetOp::kRefuse));
  WakeReader(c);
}

void SimNetwork::StartAccepting(runtime::AcceptCallback on_accept) {
  kernel_.SwitchPoint(SwitchKind::kSocket);
  if (accepting_ || stopped_) return;
  accepting_ = true;
  on_accept_ = std::move(on_accept);
  acceptor_ = kernel_.Spawn("acceptor", [this] { AcceptLoop(); });
}

void SimNetwork::AcceptLoop() {
  for (;;) {
    while (backlog_.empty() && !stopped_) kernel_.Block({WaitKind::kAccept, 1});
    if (stopped_) break;
    const ConnId id = backlog_.front();
    backlog_.pop_front();
    Conn& c = At(id);
    if (c.reset_sent) continue;
    c.phase = Conn::Phase::kAccepted;
    trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kAccept));
    kernel_.SwitchPoint(SwitchKind::kSocket, id);
    on_accept_(std::make_unique<SimSocket>(*this, id));
  }
  on_accept_ = nullptr;
}

void SimNetwork::StopAccepting() {
  kernel_.SwitchPoint(SwitchKind::kSocket);
  if (stopped_) return;
  stopped_ = true;
  while (!backlog_.empty()) {
    Refuse(At(backlog_.front()));
    backlog_.pop_front();
  }
  if (acceptor_ != 0) kernel_.Wake(acceptor_, {WaitKind::kAccept, 1});
}

// ---- client → server ---------------------------------------------------------------------

void SimNetwork::Write(ConnId id, std::string bytes) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  if (bytes.empty() || c.c2s_fin_sent || c.reset_sent || c.phase == Conn::Phase::kRefused) return;
  trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kClientWrite), bytes.size());
  const LinkParams& link = c.params.client_to_server;
  size_t offset = 0;
  while (offset < bytes.size()) {
    size_t n = bytes.size() - offset;
    if (link.max_chunk > 0) n = std::min<size_t>(n, 1 + rng_.Uniform(link.max_chunk));
    const absl::Time at = NextArrival(c.c2s_last, link);
    c.c2s_in_flight.push_back(Segment{at, bytes.substr(offset, n), false});
    offset += n;
    kernel_.RunAt(at, "net:c2s", [this, id] { ArriveAtServer(At(id)); });
  }
}

void SimNetwork::ShutdownWrite(ConnId id) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  if (c.c2s_fin_sent || c.reset_sent) return;
  c.c2s_fin_sent = true;
  trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kClientFin));
  const absl::Time at = NextArrival(c.c2s_last, c.params.client_to_server);
  c.c2s_in_flight.push_back(Segment{at, "", true});
  kernel_.RunAt(at, "net:c2s-fin", [this, id] { ArriveAtServer(At(id)); });
}

void SimNetwork::ArriveAtServer(Conn& c) {
  while (!c.c2s_in_flight.empty() && c.c2s_in_flight.front().at <= kernel_.Now()) {
    Segment segment = std::move(c.c2s_in_flight.front());
    c.c2s_in_flight.pop_front();
    if (segment.fin) {
      c.c2s_fin_arrived = true;
    } else {
      c.c2s_arrived.append(segment.bytes);
    }
  }
  DeliverToServer(c);
}

void SimNetwork::Reset(ConnId id) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  if (c.reset_sent) return;
  c.reset_sent = true;
  c.c2s_in_flight.clear();  // what was still on the wire is lost
  c.s2c_in_flight.clear();
  c.client_inbox.clear();
  trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kClientReset));
  WakeReader(c);
  kernel_.RunAt(kernel_.Now() + c.params.client_to_server.latency, "net:rst", [this, id] {
    Conn& conn = At(id);
    conn.reset_arrived = true;
    conn.c2s_arrived.clear();
    // The peer is gone: what the server still wanted to send is dropped.
    conn.server_queue.clear();
    conn.in_window = 0;
    if (conn.above_low_water && !conn.server_closed && conn.owner != runtime::kNoPid) {
      conn.above_low_water = false;
      trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kDrained), 0);
      scheduler_.Send(conn.owner, runtime::SocketDrained{0});
    }
    DeliverToServer(conn);
  });
}

void SimNetwork::DeliverToServer(Conn& c) {
  // One deliverer at a time per connection: Send is a switch point, and a second deliverer
  // overtaking the first would reorder bytes.
  if (c.delivering) return;
  c.delivering = true;
  for (;;) {
    if (c.owner == runtime::kNoPid || !c.reading || c.server_closed || c.close_delivered) break;
    if (c.reset_arrived) {
      c.close_delivered = true;
      c.c2s_arrived.clear();
      scheduler_.Send(c.owner,
                      runtime::SocketClosed{absl::UnavailableError("connection reset by peer")});
      break;
    }
    if (c.paused) break;
    if (!c.c2s_arrived.empty()) {
      if (c.unconsumed > c.inbox_limit) break;  // the owner is behind: bytes wait here
      std::string bytes = std::move(c.c2s_arrived);
      c.c2s_arrived.clear();
      c.unconsumed += bytes.size();
      c.last_read = bytes.size();
      trace_.Add(TraceKind::kNet, c.id, static_cast<uint64_t>(NetOp::kServerRead), bytes.size());
      scheduler_.Send(c.owner, runtime::SocketData{std::move(bytes)});
      continue;
    }
    if (c.c2s_fin_arrived) {
      c.close_delivered = true;
      scheduler_.Send(c.owner, runtime::SocketClosed{absl::OkStatus()});
    }
    break;
  }
  c.delivering = false;
}

// ---- server side -------------------------------------------------------------------------

std::vector<SimNetwork::ServerInbox> SimNetwork::ServerInboxes() const {
  std::vector<ServerInbox> inboxes;
  for (const std::unique_ptr<Conn>& c : conns_) {
    if (c->owner == runtime::kNoPid || c->server_closed) continue;
    inboxes.push_back(ServerInbox{c->id, c->owner, c->unconsumed, c->last_read});
  }
  return inboxes;
}

void SimNetwork::ServerStartReading(ConnId id, runtime::Pid owner, size_t inbox_limit) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  c.owner = owner;
  c.inbox_limit = inbox_limit;
  c.reading = true;
  DeliverToServer(c);
}

void SimNetwork::ServerConsumed(ConnId id, size_t bytes) {
  Conn& c = At(id);
  const bool was_full = c.unconsumed > c.inbox_limit;
  c.unconsumed -= std::min(bytes, c.unconsumed);
  if (was_full && c.unconsumed <= c.inbox_limit) DeliverToServer(c);
}

void SimNetwork::ServerPauseReading(ConnId id) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  c.paused = true;
  trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kPause));
}

void SimNetwork::ServerResumeReading(ConnId id) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  c.paused = false;
  trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kResume));
  DeliverToServer(c);
}

void SimNetwork::ServerWrite(ConnId id, std::string bytes) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  if (c.server_closed || bytes.empty()) return;
  trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kServerWrite), bytes.size());
  if (c.reset_arrived) return;  // the peer is gone; the bytes go nowhere
  c.server_queue.append(bytes);
  PumpToClient(c);
}

size_t SimNetwork::ServerQueuedBytes(ConnId id) const {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  return At(id).server_queue.size();
}

void SimNetwork::ServerClose(ConnId id) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  if (c.server_closed) return;
  c.server_closed = true;
  trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kServerClose),
             c.server_queue.size());
  // Close flushes what is queued (the window no longer applies), then the FIN follows.
  if (!c.server_queue.empty()) {
    std::string rest = std::move(c.server_queue);
    c.server_queue.clear();
    SendToClient(c, std::move(rest));
  }
  const absl::Time at = NextArrival(c.s2c_last, c.params.server_to_client);
  c.s2c_in_flight.push_back(Segment{at, "", true});
  kernel_.RunAt(at, "net:s2c-fin", [this, id] { ArriveAtClient(At(id)); });
}

std::string SimNetwork::PeerAddress(ConnId id) const {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  return At(id).params.peer_address;
}

void SimNetwork::PumpToClient(Conn& c) {
  const size_t window = std::max<size_t>(c.params.window, 1);
  while (!c.server_queue.empty() && c.in_window < window) {
    const size_t n = std::min(c.server_queue.size(), window - c.in_window);
    std::string bytes = c.server_queue.substr(0, n);
    c.server_queue.erase(0, n);
    c.in_window += n;
    SendToClient(c, std::move(bytes));
  }
  if (c.server_queue.size() > c.params.low_water) {
    c.above_low_water = true;
  } else if (c.above_low_water) {
    c.above_low_water = false;
    if (!c.server_closed && c.owner != runtime::kNoPid) {
      trace_.Add(TraceKind::kNet, c.id, static_cast<uint64_t>(NetOp::kDrained),
                 c.server_queue.size());
      scheduler_.Send(c.owner, runtime::SocketDrained{c.server_queue.size()});
    }
  }
}

void SimNetwork::SendToClient(Conn& c, std::string bytes) {
  const LinkParams& link = c.params.server_to_client;
  const ConnId id = c.id;
  size_t offset = 0;
  while (offset < bytes.size()) {
    size_t n = bytes.size() - offset;
    if (link.max_chunk > 0) n = std::min<size_t>(n, 1 + rng_.Uniform(link.max_chunk));
    const absl::Time at = NextArrival(c.s2c_last, link);
    c.s2c_in_flight.push_back(Segment{at, bytes.substr(offset, n), false});
    offset += n;
    kernel_.RunAt(at, "net:s2c", [this, id] { ArriveAtClient(At(id)); });
  }
}

void SimNetwork::ArriveAtClient(Conn& c) {
  if (c.reset_sent) {  // the client is gone: nothing reaches it any more
    c.s2c_in_flight.clear();
    return;
  }
  bool arrived = false;
  while (!c.s2c_in_flight.empty() && c.s2c_in_flight.front().at <= kernel_.Now()) {
    Segment segment = std::move(c.s2c_in_flight.front());
    c.s2c_in_flight.pop_front();
    arrived = true;
    if (segment.fin) {
      c.client_eof = true;
      trace_.Add(TraceKind::kNet, c.id, static_cast<uint64_t>(NetOp::kServerFin));
    } else {
      c.client_inbox.append(segment.bytes);
    }
  }
  if (arrived) WakeReader(c);
}

// ---- client reads ------------------------------------------------------------------------

void SimNetwork::WakeReader(Conn& c) {
  if (c.reader != 0) kernel_.Wake(c.reader, {WaitKind::kSocketRead, c.id});
}

ClientReadResult SimNetwork::Read(ConnId id) {
  kernel_.SwitchPoint(SwitchKind::kSocket, id);
  Conn& c = At(id);
  for (;;) {
    if (c.reset_sent || c.phase == Conn::Phase::kRefused) return {"", false, true};
    if (!c.client_inbox.empty()) {
      ClientReadResult result;
      result.bytes = std::move(c.client_inbox);
      c.client_inbox.clear();
      const size_t n = result.bytes.size();
      trace_.Add(TraceKind::kNet, id, static_cast<uint64_t>(NetOp::kClientRead), n);
      // Reading frees window: the server's queue moves on (maybe SocketDrained).
      c.in_window = c.in_window > n ? c.in_window - n : 0;
      if (!c.server_closed && !c.reset_arrived) PumpToClient(c);
      return result;
    }
    if (c.client_eof) return {"", true, false};
    c.reader = kernel_.current();
    kernel_.Block({WaitKind::kSocketRead, id});
    c.reader = 0;
  }
}

bool SimNetwork::accepted(ConnId id) const { return At(id).phase == Conn::Phase::kAccepted; }

}  // namespace liminal::sim
