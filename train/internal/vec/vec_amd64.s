#include "textflag.h"

// Every routine takes n, a multiple of 8 and at least 8, and works on whole ymm registers of
// 8 floats; the Go wrappers in vec.go do the tails.

// func addAVX2(dst, src *float32, n int)
TEXT ·addAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

loop32:
	CMPQ    CX, $32
	JLT     loop8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VADDPS  64(SI), Y2, Y2
	VADDPS  96(SI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     loop32

loop8:
	CMPQ    CX, $8
	JLT     done
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     loop8

done:
	VZEROUPPER
	RET

// func sumAVX2(x *float32, n int, acc *[8]float32)
TEXT ·sumAVX2(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

sloop32:
	CMPQ   CX, $32
	JLT    sloop8
	VADDPS (SI), Y0, Y0
	VADDPS 32(SI), Y1, Y1
	VADDPS 64(SI), Y2, Y2
	VADDPS 96(SI), Y3, Y3
	ADDQ   $128, SI
	SUBQ   $32, CX
	JMP    sloop32

sloop8:
	CMPQ   CX, $8
	JLT    sdone
	VADDPS (SI), Y0, Y0
	ADDQ   $32, SI
	SUBQ   $8, CX
	JMP    sloop8

sdone:
	VADDPS  Y1, Y0, Y0
	VADDPS  Y3, Y2, Y2
	VADDPS  Y2, Y0, Y0
	MOVQ    acc+16(FP), DI
	VMOVUPS Y0, (DI)
	VZEROUPPER
	RET

// func momentsAVX2(x *float32, n int, k float64, acc *[8]float64)
// acc[0:4] += lanes of Σ(x−k), acc[4:8] += lanes of Σ(x−k)², in float64.
TEXT ·momentsAVX2(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD k+16(FP), Y15
	VXORPD       Y0, Y0, Y0 // s, lanes 0-3
	VXORPD       Y1, Y1, Y1 // s, lanes 4-7
	VXORPD       Y2, Y2, Y2 // q, lanes 0-3
	VXORPD       Y3, Y3, Y3 // q, lanes 4-7
	VXORPD       Y8, Y8, Y8 // second set, for the 16-float loop
	VXORPD       Y9, Y9, Y9
	VXORPD       Y10, Y10, Y10
	VXORPD       Y11, Y11, Y11

mloop16:
	CMPQ        CX, $16
	JLT         mloop8
	VCVTPS2PD   (SI), Y4
	VCVTPS2PD   16(SI), Y5
	VCVTPS2PD   32(SI), Y6
	VCVTPS2PD   48(SI), Y7
	VSUBPD      Y15, Y4, Y4
	VSUBPD      Y15, Y5, Y5
	VSUBPD      Y15, Y6, Y6
	VSUBPD      Y15, Y7, Y7
	VADDPD      Y4, Y0, Y0
	VADDPD      Y5, Y1, Y1
	VADDPD      Y6, Y8, Y8
	VADDPD      Y7, Y9, Y9
	VFMADD231PD Y4, Y4, Y2
	VFMADD231PD Y5, Y5, Y3
	VFMADD231PD Y6, Y6, Y10
	VFMADD231PD Y7, Y7, Y11
	ADDQ        $64, SI
	SUBQ        $16, CX
	JMP         mloop16

mloop8:
	CMPQ        CX, $8
	JLT         mdone
	VCVTPS2PD   (SI), Y4
	VCVTPS2PD   16(SI), Y5
	VSUBPD      Y15, Y4, Y4
	VSUBPD      Y15, Y5, Y5
	VADDPD      Y4, Y0, Y0
	VADDPD      Y5, Y1, Y1
	VFMADD231PD Y4, Y4, Y2
	VFMADD231PD Y5, Y5, Y3
	ADDQ        $32, SI
	SUBQ        $8, CX
	JMP         mloop8

mdone:
	VADDPD  Y8, Y0, Y0
	VADDPD  Y9, Y1, Y1
	VADDPD  Y10, Y2, Y2
	VADDPD  Y11, Y3, Y3
	VADDPD  Y1, Y0, Y0
	VADDPD  Y3, Y2, Y2
	MOVQ    acc+24(FP), DI
	VMOVUPD Y0, (DI)
	VMOVUPD Y2, 32(DI)
	VZEROUPPER
	RET

// func gradSumsAVX2(out, x, dy *float32, n int, scale, shift, mean float32, acc *[8]float64)
// out = dy where scale·x + shift > 0, else 0; acc[0:4] += lanes of Σout, acc[4:8] of
// Σout·(x−mean). The sums run in float32 over blocks of at most 256 values (32 per lane) and are
// added to float64 accumulators after each block.
TEXT ·gradSumsAVX2(SB), NOSPLIT, $0-56
	MOVQ         out+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         dy+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS scale+32(FP), Y13
	VBROADCASTSS shift+36(FP), Y14
	VBROADCASTSS mean+40(FP), Y15
	VXORPS       Y12, Y12, Y12 // zero, for the compare
	VXORPD       Y8, Y8, Y8    // Σout in float64, lanes 0-3
	VXORPD       Y9, Y9, Y9    // lanes 4-7
	VXORPD       Y10, Y10, Y10 // Σout·(x−mean) in float64, lanes 0-3
	VXORPD       Y11, Y11, Y11 // lanes 4-7
	MOVQ         $256, R8

gblock:
	CMPQ    CX, $8
	JLT     gdone
	MOVQ    CX, BX
	CMPQ    BX, R8
	CMOVQGT R8, BX // BX = min(CX, 256), a multiple of 8
	SUBQ    BX, CX
	VXORPS  Y0, Y0, Y0 // Σout in float32, two sets of lanes
	VXORPS  Y2, Y2, Y2
	VXORPS  Y1, Y1, Y1 // Σout·(x−mean) in float32
	VXORPS  Y3, Y3, Y3

g16:
	CMPQ        BX, $16
	JLT         g8
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y6
	VMOVAPS     Y4, Y5
	VMOVAPS     Y6, Y7
	VFMADD213PS Y14, Y13, Y5 // scale·x + shift
	VFMADD213PS Y14, Y13, Y7
	VCMPPS      $0x1e, Y12, Y5, Y5 // > 0, ordered: NaN gives false
	VCMPPS      $0x1e, Y12, Y7, Y7
	VANDPS      (DX), Y5, Y5
	VANDPS      32(DX), Y7, Y7
	VMOVUPS     Y5, (DI)
	VMOVUPS     Y7, 32(DI)
	VSUBPS      Y15, Y4, Y4
	VSUBPS      Y15, Y6, Y6
	VADDPS      Y5, Y0, Y0
	VADDPS      Y7, Y2, Y2
	VFMADD231PS Y4, Y5, Y1
	VFMADD231PS Y6, Y7, Y3
	ADDQ        $64, DI
	ADDQ        $64, SI
	ADDQ        $64, DX
	SUBQ        $16, BX
	JMP         g16

g8:
	CMPQ        BX, $8
	JLT         gflush
	VMOVUPS     (SI), Y4
	VMOVAPS     Y4, Y5
	VFMADD213PS Y14, Y13, Y5
	VCMPPS      $0x1e, Y12, Y5, Y5
	VANDPS      (DX), Y5, Y5
	VMOVUPS     Y5, (DI)
	VSUBPS      Y15, Y4, Y4
	VADDPS      Y5, Y0, Y0
	VFMADD231PS Y4, Y5, Y1
	ADDQ        $32, DI
	ADDQ        $32, SI
	ADDQ        $32, DX
	SUBQ        $8, BX

gflush:
	VADDPS       Y2, Y0, Y0
	VADDPS       Y3, Y1, Y1
	VCVTPS2PD    X0, Y4
	VEXTRACTF128 $1, Y0, X5
	VCVTPS2PD    X5, Y5
	VADDPD       Y4, Y8, Y8
	VADDPD       Y5, Y9, Y9
	VCVTPS2PD    X1, Y4
	VEXTRACTF128 $1, Y1, X5
	VCVTPS2PD    X5, Y5
	VADDPD       Y4, Y10, Y10
	VADDPD       Y5, Y11, Y11
	JMP          gblock

gdone:
	VADDPD  Y9, Y8, Y8
	VADDPD  Y11, Y10, Y10
	MOVQ    acc+48(FP), DI
	VMOVUPD Y8, (DI)
	VMOVUPD Y10, 32(DI)
	VZEROUPPER
	RET

// func scaleShiftReLUAVX2(dst, src *float32, n int, a, s float32)
// dst = a·src + s with every value whose sign bit is set replaced by +0.
TEXT ·scaleShiftReLUAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Y14
	VBROADCASTSS s+28(FP), Y15

rloop16:
	CMPQ        CX, $16
	JLT         rloop8
	VMOVUPS     (SI), Y0
	VMOVUPS     32(SI), Y1
	VFMADD213PS Y15, Y14, Y0
	VFMADD213PS Y15, Y14, Y1
	VPSRAD      $31, Y0, Y2
	VPSRAD      $31, Y1, Y3
	VPANDN      Y0, Y2, Y0
	VPANDN      Y1, Y3, Y1
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, 32(DI)
	ADDQ        $64, DI
	ADDQ        $64, SI
	SUBQ        $16, CX
	JMP         rloop16

rloop8:
	CMPQ        CX, $8
	JLT         rdone
	VMOVUPS     (SI), Y0
	VFMADD213PS Y15, Y14, Y0
	VPSRAD      $31, Y0, Y2
	VPANDN      Y0, Y2, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, DI
	ADDQ        $32, SI
	SUBQ        $8, CX
	JMP         rloop8

rdone:
	VZEROUPPER
	RET

// func affineSubAVX2(dst, x *float32, n int, cm, cx, c0 float32)
// dst = cm·dst − (cx·x + c0).
TEXT ·affineSubAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS cm+24(FP), Y13
	VBROADCASTSS cx+28(FP), Y14
	VBROADCASTSS c0+32(FP), Y15

aloop16:
	CMPQ        CX, $16
	JLT         aloop8
	VMOVUPS     (SI), Y0
	VMOVUPS     32(SI), Y1
	VFMADD213PS Y15, Y14, Y0 // cx·x + c0
	VFMADD213PS Y15, Y14, Y1
	VMOVUPS     (DI), Y2
	VMOVUPS     32(DI), Y3
	VFMSUB213PS Y0, Y13, Y2 // cm·dst − (cx·x + c0)
	VFMSUB213PS Y1, Y13, Y3
	VMOVUPS     Y2, (DI)
	VMOVUPS     Y3, 32(DI)
	ADDQ        $64, DI
	ADDQ        $64, SI
	SUBQ        $16, CX
	JMP         aloop16

aloop8:
	CMPQ        CX, $8
	JLT         adone
	VMOVUPS     (SI), Y0
	VFMADD213PS Y15, Y14, Y0
	VMOVUPS     (DI), Y2
	VFMSUB213PS Y0, Y13, Y2
	VMOVUPS     Y2, (DI)
	ADDQ        $32, DI
	ADDQ        $32, SI
	SUBQ        $8, CX
	JMP         aloop8

adone:
	VZEROUPPER
	RET

// func bytesAVX2(dst *float32, src *uint8, n int, a, b float32)
// dst = float32(src)·a + b.
TEXT ·bytesAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Y14
	VBROADCASTSS b+28(FP), Y15

bloop32:
	CMPQ        CX, $32
	JLT         bloop8
	VPMOVZXBD   (SI), Y0
	VPMOVZXBD   8(SI), Y1
	VPMOVZXBD   16(SI), Y2
	VPMOVZXBD   24(SI), Y3
	VCVTDQ2PS   Y0, Y0
	VCVTDQ2PS   Y1, Y1
	VCVTDQ2PS   Y2, Y2
	VCVTDQ2PS   Y3, Y3
	VFMADD213PS Y15, Y14, Y0
	VFMADD213PS Y15, Y14, Y1
	VFMADD213PS Y15, Y14, Y2
	VFMADD213PS Y15, Y14, Y3
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, 32(DI)
	VMOVUPS     Y2, 64(DI)
	VMOVUPS     Y3, 96(DI)
	ADDQ        $128, DI
	ADDQ        $32, SI
	SUBQ        $32, CX
	JMP         bloop32

bloop8:
	CMPQ        CX, $8
	JLT         bdone
	VPMOVZXBD   (SI), Y0
	VCVTDQ2PS   Y0, Y0
	VFMADD213PS Y15, Y14, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, DI
	ADDQ        $8, SI
	SUBQ        $8, CX
	JMP         bloop8

bdone:
	VZEROUPPER
	RET
