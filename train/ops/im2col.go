package ops

// im2col writes the K×N column matrix of one example x (Ci×H×W) into col: row (c,ki,kj), column
// (oh,ow) holds x[c, oh·S−PadT+ki, ow·S−PadL+kj], or 0 in the padding.
func im2col[T float](g convGeom, x, col []T) {
	if g.S == 1 {
		im2colS1(g, x, col)
		return
	}
	n := g.N()
	for c := 0; c < g.Ci; c++ {
		img := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				row := col[((c*g.KH+ki)*g.KW+kj)*n:][:n]
				lo, hi := g.owRange(kj)
				off := kj - g.PadL
				for oh := 0; oh < g.Ho; oh++ {
					dst := row[oh*g.Wo : (oh+1)*g.Wo]
					ih := oh*g.S - g.PadT + ki
					if ih < 0 || ih >= g.H {
						clear(dst)
						continue
					}
					zero(dst, 0, lo)
					zero(dst, hi, g.Wo)
					if hi <= lo { // an empty range may start outside the image
						continue
					}
					src := img[ih*g.W : (ih+1)*g.W][lo*g.S+off : (hi-1)*g.S+off+1]
					d := dst[lo:hi]
					if g.S == 2 {
						for i := range d {
							d[i] = src[2*i]
						}
						continue
					}
					for i := range d {
						d[i] = src[i*g.S]
					}
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: it zeroes dx (Ci×H×W) and scatter-adds col into it. It may
// overwrite col.
func col2im[T float](g convGeom, col, dx []T) {
	clear(dx)
	if g.S == 1 {
		col2imS1(g, col, dx)
		return
	}
	n := g.N()
	for c := 0; c < g.Ci; c++ {
		img := dx[c*g.H*g.W : (c+1)*g.H*g.W]
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				row := col[((c*g.KH+ki)*g.KW+kj)*n:][:n]
				lo, hi := g.owRange(kj)
				off := kj - g.PadL
				for oh := 0; oh < g.Ho; oh++ {
					ih := oh*g.S - g.PadT + ki
					if ih < 0 || ih >= g.H {
						continue
					}
					if hi <= lo {
						continue
					}
					src := row[oh*g.Wo : (oh+1)*g.Wo][lo:hi]
					dst := img[ih*g.W : (ih+1)*g.W][lo*g.S+off : (hi-1)*g.S+off+1]
					if g.S == 2 {
						for i, v := range src {
							dst[2*i] += v
						}
						continue
					}
					for i, v := range src {
						dst[i*g.S] += v
					}
				}
			}
		}
	}
}

// With stride 1 (so Ho = H, Wo = W), row (c,ki,kj) of the column matrix is channel c of the image
// shifted by off = (ki−PadT)·W + (kj−PadL) in flat index, except where the shift crosses an image
// edge: rows outside the image and the columns that wrap around to the neighbouring row. The S1
// variants move each row as one contiguous block and then fix those few positions, instead of
// one short copy per output row.

// s1Span returns, for filter offset (ki,kj), the flat shift off and the range [a,b) of output
// positions whose shifted source lies inside the channel and whose row is inside the image
// (wrapped columns included: the caller fixes them), and the valid output columns [lo,hi).
func s1Span(g convGeom, ki, kj int) (off, a, b, lo, hi int) {
	hw := g.H * g.W
	dy := ki - g.PadT
	off = dy*g.W + kj - g.PadL
	a = min(max(max(0, -dy)*g.W, -off), hw)
	b = min(min(g.H, g.H-dy)*g.W, hw-off)
	lo, hi = g.owRange(kj)
	return off, a, max(a, b), lo, hi
}

func im2colS1[T float](g convGeom, x, col []T) {
	n, hw := g.N(), g.H*g.W
	for c := 0; c < g.Ci; c++ {
		img := x[c*hw : (c+1)*hw]
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				row := col[((c*g.KH+ki)*g.KW+kj)*n:][:n]
				off, a, b, lo, hi := s1Span(g, ki, kj)
				clear(row[:a])
				clear(row[b:])
				if b == a { // the filter row sees only padding
					continue
				}
				copy(row[a:b], img[a+off:b+off])
				if lo == 0 && hi == g.W {
					continue
				}
				for r := a / g.W * g.W; r < b; r += g.W {
					zero(row, r, r+lo)
					zero(row, r+hi, r+g.W)
				}
			}
		}
	}
}

func col2imS1[T float](g convGeom, col, dx []T) {
	n, hw := g.N(), g.H*g.W
	for c := 0; c < g.Ci; c++ {
		img := dx[c*hw : (c+1)*hw]
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				row := col[((c*g.KH+ki)*g.KW+kj)*n:][:n]
				off, a, b, lo, hi := s1Span(g, ki, kj)
				if b == a {
					continue
				}
				if lo != 0 || hi != g.W {
					for r := a / g.W * g.W; r < b; r += g.W {
						zero(row, r, r+lo)
						zero(row, r+hi, r+g.W)
					}
				}
				addTo(img[a+off:b+off], row[a:b])
			}
		}
	}
}

// zero clears x[lo:hi], a range of a few elements (the padding columns of one row): an inline
// loop, where clear would call memclr for every row.
func zero[T float](x []T, lo, hi int) {
	for i := lo; i < hi; i++ {
		x[i] = 0
	}
}
