// OutboundBytes: what a process hands its socket in one write. Owned bytes, which encoders
// append to, with borrowed byte ranges spliced in between them. A borrowed range is bytes
// that already live in a shared object (a published message's payload); the batch keeps
// that object alive and the socket sends the pieces with one gathered write, so a large
// payload goes from the publisher's message to every subscriber's socket without a copy.
//
//   runtime::OutboundBytes out;
//   out.bytes().append(frame_prefix);                  // owned: encoders append here
//   out.Splice(envelope, envelope->payload);           // borrowed: kept alive, not copied
//   out.bytes().append(next_frame);                    // goes after the spliced range
//   socket->WriteGathered(std::move(out));
//
// The wire order is the order of the calls. size() counts owned and borrowed bytes alike.
// A socket that cannot gather calls Flatten() (one copy of the borrowed ranges).
#ifndef LIMINAL_CORE_RUNTIME_OUTBOUND_BYTES_H_
#define LIMINAL_CORE_RUNTIME_OUTBOUND_BYTES_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liminal::runtime {

class OutboundBytes {
 public:
  OutboundBytes() = default;
  explicit OutboundBytes(std::string owned) : bytes_(std::move(owned)) {}

  // The owned bytes; what is appended here follows every range spliced so far.
  std::string& bytes() { return bytes_; }
  // Appends `borrowed`, which must stay valid while `owner` is alive; the batch holds
  // `owner` until it is destroyed. An empty range is ignored.
  void Splice(std::shared_ptr<const void> owner, std::string_view borrowed);

  size_t size() const { return bytes_.size() + borrowed_bytes_; }
  bool empty() const { return size() == 0; }
  // How many pieces ForEachPiece visits at most (owned runs and borrowed ranges).
  size_t max_pieces() const { return 2 * splices_.size() + 1; }
  bool has_splices() const { return !splices_.empty(); }

  // Calls visit(std::string_view) for each non-empty piece, in wire order.
  template <typename Visit>
  void ForEachPiece(Visit&& visit) const {
    size_t owned_from = 0;
    for (const BorrowedRange& splice : splices_) {
      if (splice.at > owned_from) {
        visit(std::string_view(bytes_).substr(owned_from, splice.at - owned_from));
      }
      visit(splice.range);
      owned_from = splice.at;
    }
    if (bytes_.size() > owned_from) visit(std::string_view(bytes_).substr(owned_from));
  }

  // Drops the first `n` bytes (n <= size()): what a partial send already wrote.
  void RemovePrefix(size_t n);
  // All the bytes in one string (borrowed ranges copied), leaving this batch empty.
  std::string Flatten() &&;

 private:
  struct BorrowedRange {
    size_t at = 0;  // offset in bytes_ where the range goes (before bytes_[at])
    std::shared_ptr<const void> owner;
    std::string_view range;
  };

  std::string bytes_;
  std::vector<BorrowedRange> splices_;  // by `at`, non-decreasing
  size_t borrowed_bytes_ = 0;
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_OUTBOUND_BYTES_H_
