// scripts/avx512-emulation.sh only: the AVX-512 intrinsics that SmallGemm.c's panel GEMM uses,
// written over clang's 16-lane vector types, so that its AVX-512 kernel and packing compile for
// AVX2 (GG_EMULATE_AVX512, see Dispatch.h) and can be run on a CPU without AVX-512. Each does
// what Intel's Intrinsics Guide says of the instruction:
// - a masked load reads no lane whose mask bit is clear (it may lie past the end of an array)
//   and sets it to zero; a masked store writes only the lanes whose bit is set;
// - the fused multiply-add rounds once, as VFMADD231PS does (clang's elementwise fma);
// - VPERMT2PS takes lane i from the first source at index idx[i] mod 16, or from the second
//   where bit 4 of idx[i] is set.
// Included by SmallGemm.c after <immintrin.h>; the macros rename what the kernel uses.
#pragma once
#include <string.h>

typedef float gg_emu_m512 __attribute__((ext_vector_type(16)));
typedef int gg_emu_m512i __attribute__((ext_vector_type(16)));
typedef unsigned short gg_emu_mmask16;

#define GG_EMU static inline __attribute__((always_inline))

GG_EMU gg_emu_m512 gg_emu_setzero_ps(void) { return (gg_emu_m512)0.0f; }
GG_EMU gg_emu_m512 gg_emu_set1_ps(float x) { return (gg_emu_m512)x; }
GG_EMU gg_emu_m512 gg_emu_add_ps(gg_emu_m512 a, gg_emu_m512 b) { return a + b; }
GG_EMU gg_emu_m512 gg_emu_fmadd_ps(gg_emu_m512 a, gg_emu_m512 b, gg_emu_m512 c) {
    return __builtin_elementwise_fma(a, b, c);
}

GG_EMU gg_emu_m512 gg_emu_loadu_ps(const void *p) {
    gg_emu_m512 v;
    memcpy(&v, p, sizeof v);
    return v;
}
GG_EMU gg_emu_m512i gg_emu_loadu_si512(const void *p) {
    gg_emu_m512i v;
    memcpy(&v, p, sizeof v);
    return v;
}
GG_EMU void gg_emu_storeu_ps(void *p, gg_emu_m512 v) { memcpy(p, &v, sizeof v); }

GG_EMU gg_emu_m512 gg_emu_maskz_loadu_ps(gg_emu_mmask16 mask, const void *p) {
    const float *x = p;
    gg_emu_m512 v = 0.0f;
    for (int i = 0; i < 16; i++)
        if (mask >> i & 1) v[i] = x[i];
    return v;
}
GG_EMU void gg_emu_mask_storeu_ps(void *p, gg_emu_mmask16 mask, gg_emu_m512 v) {
    float *x = p;
    for (int i = 0; i < 16; i++)
        if (mask >> i & 1) x[i] = v[i];
}

GG_EMU gg_emu_m512 gg_emu_permutex2var_ps(gg_emu_m512 a, gg_emu_m512i index, gg_emu_m512 b) {
    gg_emu_m512 v;
    for (int i = 0; i < 16; i++) v[i] = index[i] & 16 ? b[index[i] & 15] : a[index[i] & 15];
    return v;
}

#define __m512 gg_emu_m512
#define __m512i gg_emu_m512i
#define __mmask16 gg_emu_mmask16
#define _mm512_setzero_ps gg_emu_setzero_ps
#define _mm512_set1_ps gg_emu_set1_ps
#define _mm512_add_ps gg_emu_add_ps
#define _mm512_fmadd_ps gg_emu_fmadd_ps
#define _mm512_loadu_ps gg_emu_loadu_ps
#define _mm512_loadu_si512 gg_emu_loadu_si512
#define _mm512_storeu_ps gg_emu_storeu_ps
#define _mm512_maskz_loadu_ps gg_emu_maskz_loadu_ps
#define _mm512_mask_storeu_ps gg_emu_mask_storeu_ps
#define _mm512_permutex2var_ps gg_emu_permutex2var_ps
