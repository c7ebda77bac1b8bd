// The LSTM and GRU cells after their projections (lib/backend/backend.ts's lstmCell, gruCell and
// their gradients; the reference twins are lib/backend/reference/rnn_cell.ts): one call for what
// took a dozen ops.
#pragma once

namespace bp {

// gates [rows, 4h] (i, f, g, o), c [rows, h] -> act [rows, 4h], c_out, tanh_c, h_out [rows, h].
void lstm_cell(const float* gates, const float* c, long rows, long h, float* act, float* c_out, float* tanh_c, float* h_out);

// From act, c, tanh_c and the gradients gh, gc of h_out and c_out: g_gates [rows, 4h], gc_prev [rows, h].
void lstm_cell_grad(const float* act, const float* c, const float* tanh_c, const float* gh, const float* gc, long rows, long h,
                    float* g_gates, float* gc_prev);

// xp, hp [rows, 3h] (r, z, n), h_prev [rows, h] -> act [rows, 3h] (r, z, n), h_out [rows, h].
void gru_cell(const float* xp, const float* hp, const float* h_prev, long rows, long h, float* act, float* h_out);

// From act, hp, h_prev and the gradient gh of h_out: g_xp, g_hp [rows, 3h], g_h_prev [rows, h].
void gru_cell_grad(const float* act, const float* hp, const float* h_prev, const float* gh, long rows, long h, float* g_xp,
                   float* g_hp, float* g_h_prev);

}  // namespace bp
