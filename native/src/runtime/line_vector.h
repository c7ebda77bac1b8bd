// std::vector whose memory starts on a 64-byte cache line: the GEMM's packed panels and the fused
// fit's activations. malloc'd memory starts 16 bytes past a line, and then every 64-byte row of a
// GEMM's output tile, or of a packed AVX-512 panel, straddles two lines.
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace bp {

template <class T>
struct LineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kLine{64};
  LineAllocator() = default;
  template <class U>
  LineAllocator(const LineAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kLine)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kLine); }
  template <class U>
  bool operator==(const LineAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const LineAllocator<U>&) const { return false; }
};

template <class T>
using LineVectorOf = std::vector<T, LineAllocator<T>>;
using LineVector = LineVectorOf<float>;

// v's memory with room for at least n elements, contents unspecified. A scratch buffer only grows:
// resize() down and up again would zero-fill the regrown part on every call that follows a
// smaller one (a GEMM's packed B of W3's forward is ~850 KB).
template <class T>
inline T* at_least(LineVectorOf<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

}  // namespace bp
