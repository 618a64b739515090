//go:build !amd64

package sgemm

func kernels() []*kernel { return []*kernel{goKernel(4, 8)} }

func best() *kernel { return kernels()[0] }
