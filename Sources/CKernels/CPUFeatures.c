// What the CPU can run, for choosing the BLAS kernel (TensorCore's BLASKernel).
#include "CKernels.h"
#include "Dispatch.h"

int gg_cpu_isa_level(void) { return gg_detected_isa(); }

int gg_cpu_is_amd(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_is("amd");
#else
    return 0;
#endif
}

int gg_cpu_has_avx512_bf16(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}
