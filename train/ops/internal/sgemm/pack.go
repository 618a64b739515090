package sgemm

// packA copies the mb×kb block of op(A) at (i0, p0) into dst as micro-panels of mr rows: panel
// q holds rows q·mr… and stores, for each k step p, its mr elements contiguously. Rows past mb
// are zero.
func packA(trans bool, a []float32, lda, i0, p0, mb, kb, mr int, dst []float32) {
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		d := dst[ir*kb : ir*kb+mr*kb]
		if trans { // op(A)[i][p] = a[p·lda+i]: each k step is a contiguous run of a row.
			for p := 0; p < kb; p++ {
				copy(d[p*mr:p*mr+rows], a[(p0+p)*lda+i0+ir:])
			}
		} else { // each of the rows is a contiguous run of a row of A: transpose.
			transposeInto(d, mr, a[(i0+ir)*lda+p0:], lda, rows, kb)
		}
		if rows < mr {
			for p := 0; p < kb; p++ {
				clear(d[p*mr+rows : (p+1)*mr])
			}
		}
	}
}

// packB copies the kb×nb block of op(B) at (p0, j0) into dst as micro-panels of nr columns:
// panel q holds columns q·nr… and stores, for each k step p, its nr elements contiguously.
// Columns past nb are zero.
func packB(trans bool, b []float32, ldb, p0, j0, kb, nb, nr int, dst []float32) {
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		d := dst[jr*kb : jr*kb+nr*kb]
		if trans { // op(B)[p][j] = b[j·ldb+p]: each column of the panel is a run of a row of B.
			transposeInto(d, nr, b[(j0+jr)*ldb+p0:], ldb, cols, kb)
		} else if fastTranspose && cols == 32 && nr == 32 {
			_ = b[(p0+kb-1)*ldb+j0+jr+31] // the asm reads kb rows of 32
			copy32(kb, &b[p0*ldb+j0+jr], ldb, &d[0])
		} else {
			for p := 0; p < kb; p++ {
				copy(d[p*nr:p*nr+cols], b[(p0+p)*ldb+j0+jr:])
			}
		}
		if cols < nr {
			for p := 0; p < kb; p++ {
				clear(d[p*nr+cols : (p+1)*nr])
			}
		}
	}
}

// transposeInto sets d[p·ldd+r] = s[r·lds+p] for r < rows, p < kb.
func transposeInto(d []float32, ldd int, s []float32, lds, rows, kb int) {
	r := 0
	if fastTranspose && kb >= 8 {
		kb8 := kb &^ 7
		for ; r+8 <= rows; r += 8 {
			_ = s[(r+7)*lds+kb-1] // the asm reads rows r…r+7, kb8 ≤ kb floats each
			_ = d[(kb8-1)*ldd+r+7]
			transpose8(kb8, &s[r*lds], lds, &d[r], ldd)
			for p := kb8; p < kb; p++ {
				for i := r; i < r+8; i++ {
					d[p*ldd+i] = s[i*lds+p]
				}
			}
		}
	}
	for ; r < rows; r++ {
		src := s[r*lds:][:kb]
		for p, v := range src {
			d[p*ldd+r] = v
		}
	}
}
