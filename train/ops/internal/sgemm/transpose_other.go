//go:build !amd64

package sgemm

func transpose8(kb8 int, src *float32, lds int, dst *float32, ldd int) {
	panic("sgemm: transpose8 without assembly")
}

var fastTranspose = false

func copy32(kb int, src *float32, lds int, dst *float32) {
	panic("sgemm: copy32 without assembly")
}
