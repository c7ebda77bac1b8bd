// sort, argsort and topk's kernel: each row's stable order.
#pragma once

namespace bp {

// The stable order along len of x as [outer, len, inner], its first k positions written as floats
// into out [outer, k, inner]: ascending with NaN last (descending: NaN first), -0 and 0 equal, ties
// in their order (lib/backend/reference/sort.ts: the same positions).
void sort_order(const float* x, long outer, long len, long inner, bool descending, long k, float* out);

}  // namespace bp
