// Transposing copies walked in square tiles: a plain double loop reads (or writes) one element per
// cache line along its inner loop, so a 256 x 256 matrix went through the L1 a line per element.
// The decompositions (eigh.cc, svd.cc) turn their matrices between rows and columns with it (eigh at
// n = 256 through the API, one thread, 3 alternated runs: 5.17-5.24 -> 4.79-4.85 ms); an element is
// copied as it is (or converted), so any walk gives the same values.
#pragma once

#include <algorithm>

namespace bp {

// dst[j * dst_stride + i] = (D)row(i)[j] for i < rows, j < cols, in 16 x 16 tiles.
template <class D, class Row>
void transpose_tiles(int rows, int cols, const Row& row, D* dst, long dst_stride) {
  constexpr int kTile = 16;
  for (int i0 = 0; i0 < rows; i0 += kTile) {
    const int i1 = std::min(rows, i0 + kTile);
    for (int j0 = 0; j0 < cols; j0 += kTile) {
      const int j1 = std::min(cols, j0 + kTile);
      for (int i = i0; i < i1; i++) {
        const auto* src = row(i);
        for (int j = j0; j < j1; j++) dst[(long)j * dst_stride + i] = (D)src[j];
      }
    }
  }
}

// The n x n matrix z (row-major) made symmetric from its lower triangle (j <= i): z[j][i] = z[i][j].
template <class T>
void mirror_lower(T* z, int n) {
  constexpr int kTile = 16;
  for (int i0 = 0; i0 < n; i0 += kTile) {
    const int i1 = std::min(n, i0 + kTile);
    for (int j0 = 0; j0 <= i0; j0 += kTile) {
      const int j1 = std::min(n, j0 + kTile);
      for (int i = i0; i < i1; i++)
        for (int j = j0; j < std::min(j1, i); j++) z[(long)j * n + i] = z[(long)i * n + j];
    }
  }
}

}  // namespace bp
