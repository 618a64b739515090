// Package ops holds fast custom gorgonia operations for the layers that dominate evo's training
// time: SAME-padded strided convolution (Conv2D), batch norm fused with ReLU (BNReLU), global
// average pooling (GlobalAvgPool), the nearest-neighbour resize with channel pad/truncate used
// for skip inputs (ResizePad), and the small head whose per-step overhead dominates the smallest
// networks: the fully-connected layer (Dense) and the mean softmax cross-entropy (SoftmaxXent).
//
// Every op implements gorgonia.Op and gorgonia.SDOp, so a graph built from them is differentiated
// by gorgonia.Grad and executed by a TapeMachine like any stock op. What differs from stock ops:
//
//   - Buffers are owned by the op instance. Each op allocates its output and scratch buffers on the
//     first Do and reuses them on every later step (TapeMachine.Reset frees nothing of ours), so
//     a training step allocates only a few small tensor headers per op. The value an op returns
//     therefore stays valid only until the same op runs again: read results with gorgonia.Read
//     (which copies) or before the next RunAll. One op instance must not be run by two machines
//     at the same time.
//   - Work is split across runtime.GOMAXPROCS(0) goroutines over the batch; GOMAXPROCS=1 runs it
//     all on the calling goroutine.
//   - Matrix products go through gemm (gemm.go): by default float32 runs on internal/sgemm's
//     assembly kernels and float64 on gonum's pure-Go BLAS; building with -tags openblas (cgo,
//     CGO_LDFLAGS=-lopenblas) switches to OpenBLAS through gonum.org/v1/netlib and pins OpenBLAS
//     to one thread, because the ops already parallelise over the batch.
//   - In a graph with gradients, a convolution keeps the forward pass's im2col matrices of the
//     whole batch (up to maxColCache values) for its weight gradient instead of recomputing them:
//     memory traded for time.
//
// Every op, forward and gradient, implements FLOPCounter.
//
// Both float32 and float64 are supported (float64 serves the finite-difference gradient checks).
package ops
