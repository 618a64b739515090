// Package ops holds fast custom gorgonia operations for the layers that dominate evo's training
// time: SAME-padded strided convolution (Conv2D), batch norm fused with ReLU (BNReLU), global
// average pooling (GlobalAvgPool), the nearest-neighbour resize with channel pad/truncate used
// for skip inputs (ResizePad), and the small head whose per-step overhead dominates the smallest
// networks: the fully-connected layer (Dense) and the mean softmax cross-entropy (SoftmaxXent).
//
// Stock gorgonia builds these layers from generic nodes (im2col, transposes, broadcasts,
// reductions) and allocates every intermediate afresh on every step; on the "full" reference
// net (package evo/train) most of a stock step was not matrix multiplication and it allocated
// close to a gigabyte. These ops do each layer in one node (plus its gradient nodes) with
// buffers of their own.
//
// # The ops and their layouts
//
// Every tensor is NCHW: batch, channels, height, width. Both float32 (training) and float64
// (the finite-difference gradient checks) are supported.
//
//   - Conv2D: x (B, Ci, H, W) and kernel w (Co, Ci, KH, KW), KH and KW odd, stride a power of
//     two, no bias → (B, Co, ceil(H/s), ceil(W/s)). SAME padding as TensorFlow pads: total
//     padding max((out−1)·s + k − in, 0) per axis, half of it (rounded down) at the top or
//     left, the rest at the bottom or right. Forward is im2col and one GEMM per example (a 1×1
//     stride-1 convolution needs no im2col); the input gradient is a GEMM and col2im, the weight
//     gradient a GEMM. ConvConfig.NoInputGrad drops the input gradient for a convolution that
//     reads the image.
//   - BNReLU: x (B, C, H, W), γ and β (C) → max(0, γ·(x − μ)/√(σ² + ε) + β). Training mode
//     normalises with the batch mean and biased variance and updates the running statistics
//     with the unbiased variance (PyTorch's convention, decay d: running ← d·running +
//     (1−d)·batch); evaluation mode normalises with the running statistics. The running
//     statistics are float64, start at mean 0 and variance 1, and survive mode switches.
//   - GlobalAvgPool: (B, C, H, W) → (B, C).
//   - ResizePad: a skip input (B, Ci, Hi, Wi) → (B, Co, Ho, Wo): every f-th row and column from
//     the first, f the smallest power of two with ceil(in/f) = out (the positions a stride-f
//     SAME convolution centres on, so 7 → 4 keeps rows 0, 2, 4, 6); the first min(Ci, Co)
//     channels, the rest cut or zero.
//   - Dense: x (B, C), w (C, K), b (K) → (B, K).
//   - SoftmaxXent: logits (B, K) and targets (B, K), usually one-hot → the scalar
//     −(1/B)·Σ y·log softmax(z); the targets get no gradient.
//
// Every op implements gorgonia.Op and gorgonia.SDOp, so a graph built from them is differentiated
// by gorgonia.Grad and executed by a TapeMachine like any stock op. Every op instance hashes a
// number of its own, so gorgonia never merges two ops with equal parameters (they own state);
// and every op, forward and gradient, implements FLOPCounter with genome's conventions, which is
// how package evo/train counts the FLOPs it runs.
//
// # Buffers and threads
//
//   - Buffers are owned by the op instance. Each op allocates its output and scratch buffers on the
//     first Do and reuses them on every later step (TapeMachine.Reset frees nothing of ours), so
//     a training step allocates only a few small tensor headers per op (TestStepAllocations).
//     The value an op returns therefore stays valid only until the same op runs again: read
//     results with gorgonia.Read (which copies) or before the next RunAll. One op instance must
//     not be run by two machines at the same time.
//   - In a graph with gradients, a convolution keeps the forward pass's im2col matrices of the
//     whole batch (up to maxColCache values) for its weight gradient instead of recomputing them:
//     memory traded for time.
//   - Work is split across runtime.GOMAXPROCS(0) goroutines: convolutions over the examples of
//     the batch (one single-threaded GEMM per example), batch norm over channels, pooling only
//     when there is enough of it to pay for the hand-off. GOMAXPROCS=1 runs everything on the
//     calling goroutine.
//
// # Matrix products: internal/sgemm
//
// Matrix products go through gemm (gemm.go). float64 runs on gonum's pure-Go BLAS. float32
// runs on internal/sgemm, a single-precision GEMM written for this package in the style of
// GotoBLAS and BLIS: blocks of A and B are packed into contiguous micro-panels sized for the
// caches (kc × mc of A for L2, kc × nc of B), and a register-blocked micro-kernel computes each
// mr × nr tile of C. The micro-kernels, chosen once at start-up by CPU feature, the first that
// the CPU runs:
//
//   - avx512-8x32 (AVX-512F; 12x32, 14x32 and 6x64 variants exist for tuning);
//   - avx2-6x16 (AVX2 and FMA);
//   - a pure-Go 4×8 kernel on every other CPU and architecture.
//
// sgemm.KernelName reports the one in use. The assembly of the micro-kernels, kernel_amd64.s, is
// generated: gen.go (a `go:build ignore` program in that directory, run with `go run gen.go`
// there) writes every kernel from a table of (name, register width, mr, vectors per row), with
// the k loop unrolled four times; edit gen.go and regenerate, never the .s file. The 8×8 block
// transpose used by packing (transpose_amd64.s) is hand-written. TestSgemm and its neighbours
// compare every kernel the CPU runs, and the Go kernel with each assembly kernel's tile, with a
// naive float64 product, over many shapes, both transposes and small cache blocks, C starting as
// NaNs when beta is zero; BenchmarkSgemm times the GEMM shapes of
// the "full" reference net, and BenchmarkTune (with -sgemm.tune) sweeps the cache blocking.
// SgemmParallel splits one large product over goroutines; the ops do not need it.
//
// Building with -tags openblas (cgo, CGO_LDFLAGS=-lopenblas) sends both precisions to OpenBLAS
// through gonum.org/v1/netlib instead, and pins OpenBLAS to one thread, because the ops already
// parallelise. BLASName reports which one a binary uses. The memory-bound loops of batch norm
// and the image normalisation run in the vector assembly of package evo/train/internal/vec.
//
// # Tests
//
// Every op has a finite-difference check of its gradients in float64 (…GradFiniteDiff) and a
// comparison with the stock-gorgonia composition it replaces (…MatchesStock) or, for the
// resize, with a plain loop (TestResizePadMatchesNaive); the convolution is also checked against
// its definition (TestConv2DForwardMatchesDefinition) and its SAME padding on worked cases
// (TestSamePadding).
package ops
