// Package train turns a genome into a trained model and a fitness: it builds a gorgonia graph
// (gorgonia.org/gorgonia v0.9.18, gorgonia.org/tensor v0.9.24) for any valid genome, trains it
// with SGD starting from the parent's weights where they fit, measures the validation accuracy,
// counts the FLOPs it spent and writes the trained checkpoint. Train is the whole job; Evaluate
// and Logits run a checkpointed network; TimeSteps serves the benchmark.
//
// # Settings: the paper's and ours
//
// Config{} trains with the paper's settings, augmentation aside (Config.Augment turns it on; the
// CIFAR presets of the evo command do). The comments on the defaults in config.go carry a mark:
// [paper] for a value the paper states, [paper?] for the value the paper most likely used but
// does not state word for word (kept as a documented default), [ours] for a choice the paper
// leaves open.
//
//   - T = 25,600 SGD steps per individual of batch 50 [paper]; the learning rate is the genome's
//     gene, constant within one training [paper].
//   - Momentum 0.9 and weight decay 1e-4 on the conv kernels and the head's weight matrix, not on
//     biases or batch norm [paper?]; optimiser state is never inherited: every child starts with
//     zero velocity [paper].
//   - Batch norm: batch statistics in training, running statistics with decay 0.9 in evaluation
//     [paper]; epsilon 1e-3 (TensorFlow's default) [ours].
//   - Initialisation: He-normal conv kernels, N(0, 2/fan_in) [paper]; batch norm γ = 1, β = 0,
//     mean 0, variance 1; head weights LeCun-normal, N(0, 1/C), since no ReLU follows [ours];
//     head bias 0. Inherited tensors replace fresh ones wherever ID and shape match
//     (checkpoint.Inherit), batch-norm running statistics included [paper].
//   - Fitness is the accuracy on the validation split after training [paper]; augmentation
//     (pad 4, random crop, flip) lives in package evo/train/data [paper?].
//   - NaN or ±Inf in the loss, a weight or a logit stops training: Status "diverged", Fitness 0,
//     the reason recorded; the individual is still published and simply loses its tournaments,
//     and its checkpoint holds the starting tensors so that no child inherits non-finite values
//     [ours]. An architecture over Config.MaxParams or Config.MaxStepFLOPs yields Status
//     "too-large" without training: a failed reproduction, nothing published [ours].
//   - All randomness (initialisation, minibatch order, augmentation) derives from Config.Seed.
//
// # The graph
//
// buildModel builds an NCHW float32 graph (float64 for the gradient checks): 'SAME'-padded
// convolutions with power-of-two strides and odd, possibly non-square filters and no bias
// (TensorFlow's padding: when the total padding of an axis is odd the extra zero row or column
// goes bottom or right); bn_relu vertices (batch norm, then ReLU) and linear ones; skip inputs
// resized by nearest neighbour (every f-th row and column, f a power of two) and
// channel-truncated or zero-padded, then summed with the primary input; global average pooling;
// a fully-connected head with bias; mean softmax cross-entropy. A training graph also holds the
// gradients (gorgonia.Grad); the evaluation graph is a separate one with running statistics and
// no gradients.
//
// Every block is a custom op of package evo/train/ops (convolution, batch norm + ReLU, skip
// resize/pad, pooling, the dense head, the loss) whose buffers are reused across steps, so that
// a training step allocates only a few kilobytes of tensor headers (TestStepAllocations). The
// stock-gorgonia compositions of the same layers are kept only as the reference the custom ops
// are checked against: TestCustomOpsMatchStock trains the reference nets both ways from the
// same tensors on the same batches and compares the loss trajectories, the running statistics
// and the final weights (EVO_STOCK_FULL=1 at full size, as .ci/run does).
// TestForwardMatchesNaive compares the graph with a plain-Go forward pass written from the
// genome's definition (naive_test.go), and TestGradientFiniteDifferences every gradient with
// central finite differences.
//
// # The tape runner
//
// gorgonia's TapeMachine.RunAll locks the OS thread, runs the program on another goroutine and
// waits for it on channels: two or three thread hand-offs per call, 30–45 µs here, about half of
// a training step of the paper's initial individual. tape.go runs the same program on the
// calling goroutine instead: it reads the machine's unexported instruction list once by
// reflection and calls the machine's exported Run with it, then does what RunAll does after a
// run. If a gorgonia version changes those fields or methods, newTapeRunner says so and the model
// falls back to RunAll; TestTapeRunner requires the two to give bit-identical losses and tensors
// over 5 steps, so the change is noticed.
//
// # Counting FLOPs
//
// Result.StepFLOPs (F_t) and EvalBatchFLOPs (F_v) are counted on the graphs that actually run,
// not estimated: each custom op reports its own count (ops.FLOPCounter), the few stock nodes
// are counted by kind, and the optimiser's 6 FLOPs per trainable value (decay, momentum, step)
// are added. The conventions are genome's (see Cost in package evo/genome: a multiply–add is
// two FLOPs, moving data is free), and TestFLOPsMatchGenome requires the measured and the
// computed counts to agree within 10%. The cost of an individual, F_t·N_t + F_v·N_v, is what
// population's FLOPs budget adds up.
//
// # Gorgonia traps
//
// gorgonia v0.9.18 has five behaviours that are silently wrong or fatal for this use. Each has a
// test in traps_test.go that shows the trap in stock gorgonia (so an upgrade that fixes or
// changes it is noticed) and that this package avoids it. Comments elsewhere refer to them as
// "trap 1" to "trap 5".
//
//  1. Mean or Sum over two axes at once (Mean(x, 2, 3), the obvious global average pool) returns
//     wrong values with no error. The custom pooling op averages itself; the stock reference
//     reshapes to (B, C, H·W) and reduces one axis, and the stock loss sums a flattened vector.
//     TestTrap1MeanOverTwoAxes.
//  2. GlobalAveragePool2D has no gradient: Grad panics. It is not used; the gradient of the
//     pooling that is used is checked by finite differences. TestTrap2GlobalAveragePoolGradient.
//  3. The Momentum solver's L2 option (NewMomentum(WithL2Reg(λ))) adds λ times the velocity, not
//     λ times the weights, so no weight decay happens: with a zero gradient the weights never
//     move. sgd.go is our own optimiser, PyTorch's SGD formula (g + λw, then momentum, then the
//     step); measured against PyTorch's SGD (momentum 0.9, decay 1e-4) it agreed to under 1e-6
//     over 10 steps. TestTrap3WeightDecay.
//  4. The tape compiler identifies nodes by a 32-bit hash and merges nodes whose hashes collide,
//     silently: the two compute one value. A 100-layer graph at batch 50 hit it. checkHashes
//     (hash.go) looks for a collision after every build, buildModel then rebuilds with salted
//     node names (up to 8 attempts, then ErrHashCollision), and every custom op hashes an
//     instance number so that two ops with equal parameters are never merged.
//     TestTrap4HashCollision.
//  5. State carried across runs. Gradients add up over RunAll calls until someone clears them;
//     a node's value is not valid after the machine resets; and switching a stock batch-norm op
//     back to training mode wipes its running statistics. sgd.step clears every gradient after
//     the update, the loss and logits are copied out during the run (gorgonia.Read into
//     readouts), and evaluation uses its own graph, so the training ops never change mode.
//     TestTrap5StateAcrossRuns.
//
// One more trap is in the build: under Go 1.26 every binary that imports gorgonia panicked at
// start-up because of an old go4.org/unsafe/assume-no-moving-gc; go.mod requires its version
// v0.0.0-20231121144256-b99613f794b6, which fixes it without a replace or an environment
// variable. Any test binary of this package would fail at once without it.
//
// # Memory
//
// A worker trains individuals one after another for days, so nothing of an individual may
// outlive its Train call. Each model is one gorgonia graph and tape machine; gorgonia puts a
// finalizer on the machine, and Go never frees a reference cycle that contains an object with
// a finalizer, so nothing reachable from the machine may point back into the model: the
// graph's read ops write the loss and logits into a separate small object (readouts), and
// close drops the machine, the graph and the tensors. TestModelsAreCollected watches the
// models of Train and Evaluate through weak pointers; TestSoakFlatHeap trains 1,500 small
// digits nets from random mutation chains and fails when the live heap after collection grows
// by more than 10% (at least 1 MiB) past the first 100; scripts/bench/soak.sh measures a real
// worker's RSS per 1,000 individuals.
//
// # Reference nets
//
// Three fixed networks on 32×32×3 inputs with 10 classes measure speed and check the ops:
//
//   - tiny: the paper's initial individual, global average pooling and the fully-connected
//     layer, no convolution;
//   - mid: three narrow 3×3 convolutions, 3→16, 16→32 with stride 2, 32→32;
//   - full: four 3×3 convolutions, 3→64, 64→64, 64→128 with stride 2, 128→128, and one identity
//     skip from the second convolution's output to the last vertex: 28.8 GFLOP per training step
//     of batch 50 by genome's count.
//
// Every convolution is followed by a bn_relu vertex. cmd/evo-bench times them and
// scripts/bench/train_vs_torch.sh compares the times with PyTorch's (the README has the
// figures); TestCustomOpsMatchStock and TestTapeRunner train them (on 16×16 inputs unless
// EVO_STOCK_FULL=1); TestCostReferenceNet in package evo/genome pins the count of "full".
//
// # BLAS
//
// The default build runs the convolutions' GEMMs on train/ops' assembly sgemm and gorgonia's
// few remaining products on gonum's pure-Go BLAS. Building with OpenBLAS sends both to
// OpenBLAS:
//
//	apt-get install libopenblas-dev
//	CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas go build -tags openblas ./...
//
// BLAS() reports which one a binary uses. scripts/bench/train_vs_torch.sh (TAGS=openblas for
// the OpenBLAS build) times the reference nets against PyTorch.
package train
