// Element-wise kernels over whole tensors: threading and broadcasting around the ISA loops.
#pragma once
#include <cstddef>
#include <cstdint>

namespace bp {

// Most dimensions a broadcasting kernel accepts (the addon rejects more).
constexpr int kMaxDims = 16;

void unary(int op, const float* x, float* y, size_t n, float p);
void unary_grad(int op, const float* x, const float* y, const float* gy, float* gx, size_t n, float p);
// out over `shape` (nd dims, contiguous) = f(a through a_strides, b through b_strides).
void binary(int op, const float* a, const int32_t* a_strides, const float* b, const int32_t* b_strides, float* out,
            const int32_t* shape, int nd);
// out = x read through x_strides over `shape`; out contiguous, or (out_strides non-null) written
// through out_strides, which must not make two indices meet (the addon checks).
void strided_copy(const float* x, const int32_t* x_strides, float* out, const int32_t* out_strides, const int32_t* shape, int nd);
void axpy(float alpha, const float* x, float* y, size_t n);
// out = min(max(x, lo), hi), torch's clamp (NaN stays; lo > hi gives hi); out may be x.
void clamp(const float* x, float lo, float hi, float* out, size_t n);
// out[i] = cond[i] != 0 ? a[i] : b[i] (torch.where), all n long; out may be any of the three.
void select(const float* cond, const float* a, const float* b, float* out, size_t n);
// gz = gy * act'(.) from the activation's output y over rows x cols, and (gb non-null) gb = the column
// sums of gz, rows added in order (the same sums as reduce()'s), in one pass when gz outgrows the cache.
void bias_act_grad(int act, const float* y, const float* gy, float* gz, long rows, long cols, float* gb);

}  // namespace bp
