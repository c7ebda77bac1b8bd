// The variance (or standard deviation) along one dimension, in double and rounded once.
#pragma once

namespace bp {

// out[o, i] = the variance of x viewed as [outer, len, inner] along len (take_sqrt: its square root,
// taken in double), as torch's CPU kernel computes it: in double, rounded to float once, so that the
// standard deviation of values past 1.8e19 is finite. The sum, then the squared deviations from the
// mean, each added in an order fixed by the shape alone (lib/backend/reference/variance.ts is the
// specification): along a row (inner 1) into four partial sums, element l into sum l mod 4, added
// as (s0 + s1) + (s2 + s3); otherwise one sum per column, down the rows. Divided by
// max(0, len - correction): no elements give 0 / 0 = NaN.
void variance(const float* x, long outer, long len, long inner, double correction, bool take_sqrt, float* out);

}  // namespace bp
