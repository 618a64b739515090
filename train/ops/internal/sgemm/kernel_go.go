package sgemm

import "unsafe"

// kernGo is the portable micro-kernel: the same contract as the assembly ones, for any tile up
// to maxTile elements.
func kernGo(mr, nr, kc int, a, b, c *float32, ldc int, alpha, beta float32) {
	ap := unsafe.Slice(a, mr*kc)
	bp := unsafe.Slice(b, nr*kc)
	var acc [maxTile]float32
	t := acc[:mr*nr]
	for p := 0; p < kc; p++ {
		ar, br := ap[p*mr:(p+1)*mr], bp[p*nr:(p+1)*nr]
		for i, av := range ar {
			row := t[i*nr : (i+1)*nr]
			for j, bv := range br {
				row[j] += av * bv
			}
		}
	}
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := 0; i < mr; i++ {
		row, cr := t[i*nr:(i+1)*nr], cs[i*ldc:i*ldc+nr]
		if beta == 0 {
			for j, v := range row {
				cr[j] = alpha * v
			}
			continue
		}
		for j, v := range row {
			cr[j] = alpha*v + beta*cr[j]
		}
	}
}

// maxTile bounds mr·nr for every kernel (it sizes the edge-tile scratch too).
const maxTile = 16 * 64
