// Package train turns a genome into a trained model and a fitness (SPEC §4), with gorgonia.
//
// Graph. For any valid genome, buildModel builds an NCHW float32 gorgonia graph (float64 for the
// gradient checks): 'SAME'-padded convolutions with power-of-two strides and odd, possibly
// non-square filters and no bias (TensorFlow's padding: when the total padding of an axis is
// odd the extra zero row/column goes bottom/right); `bn_relu` vertices (batch norm, then ReLU)
// and `linear` ones; skip inputs resized by nearest neighbour (every f-th row and column, f a
// power of two) and channel-truncated or zero-padded, then summed with the primary input;
// global average pooling; a fully-connected head with bias; mean softmax cross-entropy. Every
// block is a custom op of train/ops (convolution, batch norm + ReLU, skip resize/pad, pooling,
// the dense head, the loss) with buffers reused across steps, so that a training step allocates
// only a few kilobytes of headers (blocks.go). The tests build the same networks from stock
// gorgonia ops as the reference the custom ops are checked against (stockops_test.go).
//
// Training. SGD with momentum 0.9 and weight decay 1e-4 added to the gradients of the conv
// kernels and the head's weights (sgd.go), the learning rate from the genome; batch statistics
// in training, running statistics (decay 0.9) in evaluation, on a separate evaluation graph.
// Initialisation: He-normal convs, LeCun-normal head, batch norm γ=1, β=0, mean 0, variance 1;
// inherited tensors replace fresh ones wherever ID and shape match (checkpoint.Inherit). All
// randomness derives from Config.Seed. NaN or ±Inf in the loss, a weight or a logit stops
// training with Status "diverged" and Fitness 0; an architecture over Config.MaxParams or
// Config.MaxStepFLOPs yields Status "too-large" without training.
//
// gorgonia traps (GORGONIA.md), each covered by a test in traps_test.go: multi-axis Mean is
// wrong (the stock pooling reshapes and reduces one axis); GlobalAveragePool2D has no gradient
// (not used);
// Momentum's L2 option decays the velocity (own optimiser); 32-bit node hashes can collide
// (checked after every build, rebuilt with salted names); gradients accumulate across runs and
// batch-norm ops lose their statistics when switched back to training (gradients cleared after
// each step, a separate evaluation graph, values read with gorgonia.Read).
//
// Memory. A worker trains individuals one after another for days, so nothing of an individual
// may outlive its Train call. Each model is one gorgonia graph and tape machine; gorgonia puts a
// finalizer on the machine, and Go never frees a reference cycle that contains an object with
// a finalizer, so nothing reachable from the machine may point back into the model: the
// graph's read ops write the loss and logits into a separate small object (readouts), and
// close drops the machine, the graph and the tensors. TestModelsAreCollected watches the
// models of Train and Evaluate through weak pointers; TestSoakFlatHeap trains 1,500 small
// digits nets from random mutation chains and fails when the live heap after collection grows
// by more than 10% (at least 1 MiB) past the first 100; scripts/bench/soak.sh measures a real
// worker's RSS per 1,000 individuals.
//
// BLAS. The default build runs the convolutions' GEMMs on train/ops' assembly sgemm and
// gorgonia's few remaining products on gonum's pure-Go BLAS. Building with OpenBLAS sends both
// to OpenBLAS:
//
//	apt-get install libopenblas-dev
//	CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas go build -tags openblas ./...
//
// BLAS() reports which one a binary uses. scripts/bench/train_vs_torch.sh (TAGS=openblas for
// the OpenBLAS build) times the reference nets against PyTorch.
package train
