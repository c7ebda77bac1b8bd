// Compiled without fused multiply-adds (CMakeLists.txt): every product and sum rounds as in the
// reference twin. The sigmoids and tanhs are the unary kernels' own, over each row's runs of gates.
#include "rnn_cell.h"

#include <cstddef>

#include "elementwise.h"
#include "table.h"

namespace bp {

void lstm_cell(const float* gates, const float* c, long rows, long h, float* act, float* c_out, float* tanh_c, float* h_out) {
  const size_t n = (size_t)h;
  for (long b = 0; b < rows; b++) {
    const float* g = gates + b * 4 * h;
    float* a = act + b * 4 * h;
    unary(kSigmoid, g, a, 2 * n, 0.0f);  // i, f
    unary(kTanh, g + 2 * h, a + 2 * h, n, 0.0f);
    unary(kSigmoid, g + 3 * h, a + 3 * h, n, 0.0f);
    const float* cr = c + b * h;
    float* cn = c_out + b * h;
    for (long j = 0; j < h; j++) {
      const float fc = a[h + j] * cr[j];
      const float ig = a[j] * a[2 * h + j];
      cn[j] = fc + ig;
    }
  }
  unary(kTanh, c_out, tanh_c, (size_t)(rows * h), 0.0f);
  for (long b = 0; b < rows; b++) {
    const float* o = act + b * 4 * h + 3 * h;
    for (long j = 0; j < h; j++) h_out[b * h + j] = o[j] * tanh_c[b * h + j];
  }
}

void lstm_cell_grad(const float* act, const float* c, const float* tanh_c, const float* gh, const float* gc, long rows, long h,
                    float* g_gates, float* gc_prev) {
  for (long b = 0; b < rows; b++) {
    const float* a = act + b * 4 * h;
    float* gg = g_gates + b * 4 * h;
    for (long j = 0; j < h; j++) {
      const long k = b * h + j;
      const float i = a[j], f = a[h + j], g = a[2 * h + j], o = a[3 * h + j], t = tanh_c[k];
      const float ghk = gh[k];
      const float gho = ghk * o;
      const float tt = t * t;
      const float dtanh = 1.0f - tt;
      const float through = gho * dtanh;
      const float dc = gc[k] + through;
      const float dcg = dc * g;
      const float dcgi = dcg * i;
      gg[j] = dcgi * (1.0f - i);
      const float dcc = dc * c[k];
      const float dccf = dcc * f;
      gg[h + j] = dccf * (1.0f - f);
      const float gsq = g * g;
      const float dci = dc * i;
      gg[2 * h + j] = dci * (1.0f - gsq);
      const float ght = ghk * t;
      const float ghto = ght * o;
      gg[3 * h + j] = ghto * (1.0f - o);
      gc_prev[k] = dc * f;
    }
  }
}

void gru_cell(const float* xp, const float* hp, const float* h_prev, long rows, long h, float* act, float* h_out) {
  const size_t n2 = 2 * (size_t)h;
  for (long b = 0; b < rows; b++) {
    const float* x = xp + b * 3 * h;
    const float* p = hp + b * 3 * h;
    float* a = act + b * 3 * h;
    for (size_t j = 0; j < n2; j++) a[j] = x[j] + p[j];  // r and z before their sigmoids
    unary(kSigmoid, a, a, n2, 0.0f);
    for (long j = 0; j < h; j++) {
      const float rh = a[j] * p[2 * h + j];
      a[2 * h + j] = x[2 * h + j] + rh;
    }
    unary(kTanh, a + 2 * h, a + 2 * h, (size_t)h, 0.0f);
    const float* hr = h_prev + b * h;
    float* out = h_out + b * h;
    for (long j = 0; j < h; j++) {
      const float n = a[2 * h + j];
      const float d = hr[j] - n;
      const float dz = d * a[h + j];
      out[j] = dz + n;
    }
  }
}

void gru_cell_grad(const float* act, const float* hp, const float* h_prev, const float* gh, long rows, long h, float* g_xp,
                   float* g_hp, float* g_h_prev) {
  for (long b = 0; b < rows; b++) {
    const float* a = act + b * 3 * h;
    const float* p = hp + b * 3 * h;
    float* gx = g_xp + b * 3 * h;
    float* gp = g_hp + b * 3 * h;
    for (long j = 0; j < h; j++) {
      const long k = b * h + j;
      const float r = a[j], z = a[h + j], n = a[2 * h + j], g = gh[k];
      const float gz1 = g * (1.0f - z);
      const float nn = n * n;
      const float dn = gz1 * (1.0f - nn);
      const float dnh = dn * p[2 * h + j];
      const float dnhr = dnh * r;
      const float dr = dnhr * (1.0f - r);
      const float hn = h_prev[k] - n;
      const float ghn = g * hn;
      const float ghnz = ghn * z;
      const float dz = ghnz * (1.0f - z);
      gx[j] = dr;
      gx[h + j] = dz;
      gx[2 * h + j] = dn;
      gp[j] = dr;
      gp[h + j] = dz;
      gp[2 * h + j] = dn * r;
      g_h_prev[k] = g * z;
    }
  }
}

}  // namespace bp
