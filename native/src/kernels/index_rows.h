// Rows picked by index (index_select, nn.Embedding, gather) and their gradients added back.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bp {

// out[o, k, :] = x[o, index[k], :] for x viewed as [outer, len, inner] and out as
// [outer, count, inner]. Every index is in [0, len) (the addon checks).
void index_rows(const float* x, long outer, long len, long inner, const int32_t* index, long count, float* out);

// gx[o, index[k], :] += gy[o, k, :] for k in order (rows picked twice get both, in that order), rows
// whose index is `skip` left out (nn.Embedding's padding row; -1 for none).
void index_rows_grad(const float* gy, long outer, long len, long inner, const int32_t* index, long count, float* gx,
                     int32_t skip);

// out[where[e]] = fold(out[where[e]], src[e]) for e in [0, count) in order, on this thread (the order
// decides duplicates): op 0 set (src[e]), 1 sum, 2 prod, 3 amax, 4 amin (src[e] if NaN or beyond;
// a NaN once in stays), lib/backend/backend.ts's ScatterFold. Every position is in range (the addon
// checks).
void scatter_fold(const float* src, const int32_t* where, long count, int op, float* out);

// torch.gather: out[e] = x at the position that element e of index (contiguous, shape ishape: nd
// dimensions, 1 to kMaxDims, none larger than x's outside dim) names, its value standing for the
// position along dim of x (contiguous, shape xshape). With `where` non-null the positions (offsets
// in x, for the gradient) are kept there too; with out null, only they (scatter's). Returns -1, or
// the first e whose value is not an integer in [0, xshape[dim]) (negatives refused, as torch.gather
// does; out and where are then partly written).
long gather(const float* x, const float* index, const int32_t* ishape, const int32_t* xshape, int nd, int dim, float* out,
            int32_t* where);

// bins[v] = the number of elements of x equal to v (weights: their weights' sum), each bin summed in
// double in x's order and rounded once, for n bins. Returns -1, or the position of the
// first element that is not an integer in [0, n) (bins then hold no meaning).
long count_bins(const float* x, const float* weights, long count, float* bins, long n);

// Each distinct float of x (count of them) once, in the order first met, into values, and each
// element's value's place among them into inverse; returns how many there are. -0 and 0 are one
// value, shown as the first met (torch.unique's); each NaN is a value of its own.
long distinct(const float* x, long count, float* values, int32_t* inverse);

}  // namespace bp
