// CPU feature detection, read once; decides which kernel set runs.
#pragma once

namespace bp {
bool cpu_has_avx2_fma();
}
