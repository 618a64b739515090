package train

import (
	"math"

	"evo/genome"
	"evo/train/checkpoint"
)

// An independent, deliberately naive float64 implementation of the network a genome describes,
// written from genome's package doc (The graph) without gorgonia, to check the graph builder
// against.

// t4 is a dense NCHW tensor.
type t4 struct {
	n, c, h, w int
	d          []float64
}

func newT4(n, c, h, w int) *t4 { return &t4{n, c, h, w, make([]float64, n*c*h*w)} }

func (t *t4) at(n, c, y, x int) *float64 { return &t.d[((n*t.c+c)*t.h+y)*t.w+x] }

// naiveConv is a 'SAME' convolution: output ceil(in/s), the smaller half of the padding on the
// top/left, as TensorFlow defines it.
func naiveConv(x *t4, k *checkpoint.Tensor, s int) *t4 {
	co, kh, kw := k.Shape[0], k.Shape[2], k.Shape[3]
	ho, wo := (x.h+s-1)/s, (x.w+s-1)/s
	pt := max((ho-1)*s+kh-x.h, 0) / 2
	pl := max((wo-1)*s+kw-x.w, 0) / 2
	out := newT4(x.n, co, ho, wo)
	for n := range x.n {
		for o := range co {
			for oy := range ho {
				for ox := range wo {
					sum := 0.0
					for i := range x.c {
						for ky := range kh {
							for kx := range kw {
								iy, ix := oy*s-pt+ky, ox*s-pl+kx
								if iy < 0 || iy >= x.h || ix < 0 || ix >= x.w {
									continue
								}
								sum += *x.at(n, i, iy, ix) * float64(k.Data[((o*x.c+i)*kh+ky)*kw+kx])
							}
						}
					}
					*out.at(n, o, oy, ox) = sum
				}
			}
		}
	}
	return out
}

// naiveResize keeps every f-th row/column (f the power of two mapping the sizes), then
// truncates or zero-pads the channels to c.
func naiveResize(x *t4, to genome.Shape) *t4 {
	fh, fw := 1, 1
	for (x.h+fh-1)/fh != to.H {
		fh *= 2
	}
	for (x.w+fw-1)/fw != to.W {
		fw *= 2
	}
	out := newT4(x.n, to.C, to.H, to.W)
	for n := range x.n {
		for c := range min(x.c, to.C) {
			for y := range to.H {
				for xx := range to.W {
					*out.at(n, c, y, xx) = *x.at(n, c, y*fh, xx*fw)
				}
			}
		}
	}
	return out
}

// naiveBNReLU normalises per channel with batch statistics (biased variance) or the running
// ones, scales, shifts and rectifies.
func naiveBNReLU(x *t4, st map[string]*checkpoint.Tensor, v string, batchStats bool, eps float64) *t4 {
	out := newT4(x.n, x.c, x.h, x.w)
	cnt := float64(x.n * x.h * x.w)
	for c := range x.c {
		mean, variance := float64(st[genome.TensorID(v, genome.BNMean)].Data[c]), float64(st[genome.TensorID(v, genome.BNVar)].Data[c])
		if batchStats {
			mean, variance = 0, 0
			for n := range x.n {
				for i := range x.h * x.w {
					mean += *x.at(n, c, i/x.w, i%x.w)
				}
			}
			mean /= cnt
			for n := range x.n {
				for i := range x.h * x.w {
					d := *x.at(n, c, i/x.w, i%x.w) - mean
					variance += d * d
				}
			}
			variance /= cnt
		}
		g, b := float64(st[genome.TensorID(v, genome.BNGamma)].Data[c]), float64(st[genome.TensorID(v, genome.BNBeta)].Data[c])
		for n := range x.n {
			for i := range x.h * x.w {
				y := (*x.at(n, c, i/x.w, i%x.w)-mean)/math.Sqrt(variance+eps)*g + b
				*out.at(n, c, i/x.w, i%x.w) = math.Max(y, 0)
			}
		}
	}
	return out
}

// naiveLogits runs the whole network on x (b examples, NCHW) and returns the logits (b×K).
func naiveLogits(g *genome.Genome, st map[string]*checkpoint.Tensor, x []float32, b int, batchStats bool, eps float64) []float64 {
	shapes, _ := g.Shapes()
	in := g.Input
	vals := map[string]*t4{}
	x0 := newT4(b, in.C, in.H, in.W)
	for i, f := range x {
		x0.d[i] = float64(f)
	}
	vals[g.Vertices[0].ID] = x0
	for _, v := range g.Vertices[1:] {
		e, _ := g.PrimaryIn(v.ID)
		h := vals[e.From]
		if e.Kind == genome.Conv {
			h = naiveConv(h, st[genome.TensorID(e.ID, genome.ConvKernel)], e.Stride())
		}
		sum := newT4(h.n, h.c, h.h, h.w)
		copy(sum.d, h.d)
		for _, sk := range g.SkipsIn(v.ID) {
			r := naiveResize(vals[sk.From], shapes[v.ID])
			for i := range sum.d {
				sum.d[i] += r.d[i]
			}
		}
		if v.Activation == genome.BNReLU {
			sum = naiveBNReLU(sum, st, v.ID, batchStats, eps)
		}
		vals[v.ID] = sum
	}
	o := vals[g.OutputVertex().ID]
	w, bias := st[genome.TensorID(g.HeadID, genome.HeadWeight)], st[genome.TensorID(g.HeadID, genome.HeadBias)]
	k := g.Classes
	logits := make([]float64, b*k)
	for n := range b {
		for j := range k {
			s := float64(bias.Data[j])
			for c := range o.c {
				avg := 0.0
				for i := range o.h * o.w {
					avg += *o.at(n, c, i/o.w, i%o.w)
				}
				s += avg / float64(o.h*o.w) * float64(w.Data[c*k+j])
			}
			logits[n*k+j] = s
		}
	}
	return logits
}

// naiveLoss is the mean softmax cross-entropy of logits against labels.
func naiveLoss(logits []float64, y []int, k int) float64 {
	loss := 0.0
	for n, l := range y {
		row := logits[n*k : (n+1)*k]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, v)
		}
		s := 0.0
		for _, v := range row {
			s += math.Exp(v - m)
		}
		loss -= row[l] - m - math.Log(s)
	}
	return loss / float64(len(y))
}
