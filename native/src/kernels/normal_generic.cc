// The normal fill's arithmetic in the baseline ISA's vectors, 2 doubles (normal_lanes.inc).
#define BP_NORMAL_NS normal_generic
#define BP_NORMAL_LANES 2
#include "normal_lanes.inc"
