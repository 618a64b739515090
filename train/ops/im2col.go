package ops

// im2col writes the K×N column matrix of one example x (Ci×H×W) into col: row (c,ki,kj), column
// (oh,ow) holds x[c, oh·S−PadT+ki, ow·S−PadL+kj], or 0 in the padding.
func im2col[T float](g convGeom, x, col []T) {
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
					src := img[ih*g.W : (ih+1)*g.W]
					clear(dst[:lo])
					clear(dst[hi:])
					if g.S == 1 {
						copy(dst[lo:hi], src[lo+off:hi+off])
						continue
					}
					for ow := lo; ow < hi; ow++ {
						dst[ow] = src[ow*g.S+off]
					}
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: it zeroes dx (Ci×H×W) and scatter-adds col into it.
func col2im[T float](g convGeom, col, dx []T) {
	clear(dx)
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
					src := row[oh*g.Wo : (oh+1)*g.Wo]
					dst := img[ih*g.W : (ih+1)*g.W]
					if g.S == 1 {
						d := dst[lo+off : hi+off]
						s := src[lo:hi]
						for i := range d {
							d[i] += s[i]
						}
						continue
					}
					for ow := lo; ow < hi; ow++ {
						dst[ow*g.S+off] += src[ow]
					}
				}
			}
		}
	}
}
