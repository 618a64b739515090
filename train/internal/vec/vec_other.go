//go:build !amd64

package vec

var fast = false

func addAVX2(dst, src *float32, n int)                          { panic("vec: no assembly") }
func sumAVX2(x *float32, n int, acc *[8]float32)                { panic("vec: no assembly") }
func momentsAVX2(x *float32, n int, k float64, acc *[8]float64) { panic("vec: no assembly") }
func gradSumsAVX2(out, x, dy *float32, n int, scale, shift, mean float32, acc *[8]float64) {
	panic("vec: no assembly")
}
func scaleShiftReLUAVX2(dst, src *float32, n int, a, s float32) { panic("vec: no assembly") }
func affineSubAVX2(dst, x *float32, n int, cm, cx, c0 float32)  { panic("vec: no assembly") }

func bytesAVX2(dst *float32, src *uint8, n int, a, b float32) { panic("vec: no assembly") }
