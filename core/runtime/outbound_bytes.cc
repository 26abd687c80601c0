#include "core/runtime/outbound_bytes.h"

#include "absl/strings/str_cat.h"
#include "core/check/check.h"

namespace liminal::runtime {

void OutboundBytes::Splice(std::shared_ptr<const void> owner, std::string_view borrowed) {
  if (borrowed.empty()) return;
  borrowed_bytes_ += borrowed.size();
  splices_.push_back({bytes_.size(), std::move(owner), borrowed});
}

void OutboundBytes::RemovePrefix(size_t n) {
  LIMINAL_CHECK(n <= size(), absl::StrCat("removing ", n, " of ", size(), " outbound bytes"));
  size_t owned_from = 0;  // where the owned run before splices_[first_kept] starts
  size_t first_kept = 0;
  for (; first_kept < splices_.size(); ++first_kept) {
    BorrowedRange& splice = splices_[first_kept];
    const size_t run = splice.at - owned_from;
    if (n < run) break;  // the cut is inside the owned run before this splice
    n -= run;
    owned_from = splice.at;
    if (n < splice.range.size()) {  // the cut is inside (or right before) this splice
      splice.range.remove_prefix(n);
      borrowed_bytes_ -= n;
      n = 0;
      break;
    }
    n -= splice.range.size();
    borrowed_bytes_ -= splice.range.size();
  }
  const size_t owned_cut = owned_from + n;
  bytes_.erase(0, owned_cut);
  splices_.erase(splices_.begin(), splices_.begin() + static_cast<ptrdiff_t>(first_kept));
  for (BorrowedRange& splice : splices_) splice.at -= owned_cut;
}

std::string OutboundBytes::Flatten() && {
  std::string flat;
  if (splices_.empty()) {
    flat = std::move(bytes_);
  } else {
    flat.reserve(size());
    ForEachPiece([&](std::string_view piece) { flat.append(piece); });
  }
  *this = OutboundBytes();
  return flat;
}

}  // namespace liminal::runtime
