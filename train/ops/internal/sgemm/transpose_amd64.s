#include "textflag.h"

// func transpose8(kb8 int, src *float32, lds int, dst *float32, ldd int)
//
// Transposes 8 source rows of kb8 floats (kb8 a multiple of 8, row stride lds floats) into kb8
// destination rows of 8 floats (row stride ldd floats), 8×8 blocks at a time with AVX.
TEXT ·transpose8(SB), NOSPLIT, $0-40
	MOVQ kb8+0(FP), CX
	SHRQ $3, CX
	JZ   done
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R9
	SHLQ $2, R9
	LEAQ (SI)(R9*2), R11
	ADDQ R9, R11         // R11 = row 3
	LEAQ (SI)(R9*4), R10 // R10 = row 4
	LEAQ (R11)(R9*4), R12 // R12 = row 7
	MOVQ dst+24(FP), DI
	MOVQ ldd+32(FP), R13
	SHLQ $2, R13
	LEAQ (DI)(R13*2), BX
	ADDQ R13, BX         // BX = dst row 3
	LEAQ (DI)(R13*4), DX // DX = dst row 4
	LEAQ (BX)(R13*4), AX // AX = dst row 7
	LEAQ (R13*8), R8     // R8 = 8 dst rows

loop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R9*1), Y1
	VMOVUPS (SI)(R9*2), Y2
	VMOVUPS (R11), Y3
	VMOVUPS (R10), Y4
	VMOVUPS (R10)(R9*1), Y5
	VMOVUPS (R10)(R9*2), Y6
	VMOVUPS (R12), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(R13*1)
	VMOVUPS Y10, (DI)(R13*2)
	VMOVUPS Y11, (BX)
	VMOVUPS Y12, (DX)
	VMOVUPS Y13, (DX)(R13*1)
	VMOVUPS Y14, (DX)(R13*2)
	VMOVUPS Y15, (AX)
	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, R12
	ADDQ R8, DI
	ADDQ R8, BX
	ADDQ R8, DX
	ADDQ R8, AX
	DECQ CX
	JNZ  loop
	VZEROUPPER

done:
	RET

// func copy32(kb int, src *float32, lds int, dst *float32)
//
// Copies kb rows of 32 floats (source row stride lds floats) to dst contiguously, with AVX.
TEXT ·copy32(SB), NOSPLIT, $0-32
	MOVQ kb+0(FP), CX
	TESTQ CX, CX
	JZ   done32
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R9
	SHLQ $2, R9
	MOVQ dst+24(FP), DI

loop32:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ R9, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  loop32
	VZEROUPPER

done32:
	RET
