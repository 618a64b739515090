// Package genome is the paper's "DNA": the architecture of one individual as a directed acyclic
// graph of rank-3 tensors (vertices) joined by identity or convolution edges, plus a
// learning-rate gene; the eleven mutations that change it; its canonical JSON, hash and drawing;
// and its compute cost in FLOPs.
//
// The paper is Real et al., "Large-Scale Evolution of Image Classifiers" (ICML 2017,
// arXiv:1703.01041). This comment says, part by part, what the paper fixes, what it leaves open,
// and what evo chose; "ours" marks evo's choices. The training of a genome is package
// evo/train; the evolution that calls Mutate is package evo/population.
//
// This package uses the standard library only.
//
// # The graph
//
// From the paper: a vertex is a tensor of shape height × width × channels whose activation is
// either bn_relu (batch normalisation, then a rectified linear unit) or linear (nothing). An
// edge is an identity or a convolution; a convolution has a filter height and width, a stride
// and a number of output channels, pads 'SAME' (output size ceil(in/stride)), has no bias and
// leaves the nonlinearity to its target vertex. When several edges end at one vertex, one of them
// fixes the vertex's shape; the others are resized to it by nearest neighbour (all scales are
// powers of two) and their channels cut or zero-padded; the inputs are summed and the
// activation applies to the sum. Shapes are computed from the input shape, never stored.
//
// The paper's mutations only ever insert vertices on the backbone and add skips between backbone
// vertices, so evo stores exactly that shape of graph (ours):
//
//   - The vertices form a chain, the backbone, kept in Genome.Vertices in order: Vertices[0] is
//     the input (the image, always linear), the last vertex is the output.
//   - Every vertex but the input has exactly one primary in-edge (Edge.Skip false), from the
//     vertex just before it in the chain. The primary edge fixes the vertex's shape (ShapesFor):
//     an identity keeps its source's shape, a conv gives ceil(H/stride) × ceil(W/stride) ×
//     Channels.
//   - Every other edge is a skip (Skip true): an identity from an earlier backbone vertex to a
//     later, non-adjacent one, at most one per pair. Skips only point forward, so the graph
//     cannot have a cycle, and convolutions live on the backbone only.
//   - A conv edge stores absolute output channels (Channels), not a factor of its input's
//     channels (the paper allows either; ours). Filter sizes are stored as half sizes, size
//     2·HalfH+1 rows by 2·HalfW+1 columns, so they are always odd and height and width are
//     independent; the stride is 2^StrideScale, the same in both directions.
//   - The output vertex feeds a fixed head that no mutation touches: global average pooling, a
//     fully-connected layer with bias (Classes outputs), softmax cross-entropy (the paper gives
//     pooling, a fully-connected layer and softmax; details such as the bias are ours).
//
// Initial returns the paper's starting individual: the input joined to the output by one
// identity edge, no convolution at all, learning rate 0.1. It classifies badly on purpose;
// everything else is grown by mutations.
//
// # Identity and weight inheritance
//
// Every vertex and edge, and the head, has an ID that never changes while the part lives: "v<n>"
// for vertices, "e<n>" for edges, "h<n>" for the head, n drawn from the one counter NextID, so a
// number is never reused within a lineage. Tensors are named after their owner (Tensors):
// "<edge>.w" for a conv kernel [out, in, height, width], "<vertex>.bn.gamma", ".bn.beta",
// ".bn.mean" and ".bn.var" for a bn_relu vertex's batch norm (the last two are the running
// statistics, not trainable), "<head>.w" [C, classes] and "<head>.b" for the head. A child
// inherits every parent tensor with the same name and the same shape (package
// evo/train/checkpoint); the paper asks for inheritance wherever possible, and the stable names
// are how evo decides what "possible" means. The mutations are written so that a part keeps its
// ID when it survives: an insertion leaves the edge it splits with its ID, so the rest of the
// network keeps its weights.
//
// # Mutations
//
// Mutations lists the paper's eleven mutations in the paper's order, each a pure function of
// (genome, random source) that returns a changed copy and a Record of what it did. Mutate applies
// n of them (the paper uses one per child; population's MutationsPerChild and the live control
// of the same name change n, as the paper did for a while to escape a plateau), each drawn
// uniformly from the eleven; a mutation that does not apply to the genome (RemoveSkip without a
// skip) is redrawn, and IDENTITY always applies. The paper names the mutations and gives the
// ranges; where it leaves the detail open the choice is ours, as listed:
//
//   - alter-learning-rate (AlterLearningRate): the learning rate times 2^u, u uniform in
//     [−1, 1] (the paper's rule).
//   - identity (KeepTraining): nothing changes; the child inherits every weight and simply
//     trains for another T steps.
//   - reset-weights (ResetWeights): the child inherits nothing. Ours: since inheritance keys on
//     IDs, every vertex, edge and the head gets a fresh ID and the structure stays as it was.
//   - insert-convolution (InsertConvolution): a 3×3 conv, stride 1 or 2 at random, with its
//     input's channel count, followed by a new vertex that is bn_relu or linear at random (the
//     paper's). Ours: the place is a backbone edge u→v drawn uniformly; the new vertex w goes
//     between u and v, the new conv is u→w and the old edge, ID and values kept, becomes w→v.
//   - remove-convolution (RemoveConvolution): a conv u→w drawn uniformly among those not ending
//     at the output; w and its skips go, w's out-edge becomes u→v. Ours: a skip u→v that would
//     now duplicate the backbone edge is removed too.
//   - alter-stride (AlterStride): strides stay powers of two. Ours: the stride scale moves one
//     step on the log2 scale, up or down with equal chance; from stride 1 it always moves to 2,
//     from the largest allowed stride always down.
//   - alter-channels (AlterChannels): round(old × f), f uniform in [0.5, 2], at least 1 (the
//     paper's range). The count may come out unchanged for small counts; it still counts as
//     applied.
//   - alter-filter-size (AlterFilterSize): height or width at random, odd sizes only. Ours: the
//     new half size is uniform over the integers in [⌊h/2⌋, 2h] other than h ("half to double");
//     from h = 0 (a 1-wide filter) it moves to 1.
//   - insert-one-to-one (InsertOneToOne): as insert-convolution, with an identity edge instead of
//     the conv.
//   - add-skip (AddSkip): an identity edge between two backbone vertices drawn uniformly among
//     the non-adjacent pairs without a skip, always pointing forward (no cycle, no duplicate).
//   - remove-skip (RemoveSkip): a skip drawn uniformly is removed.
//
// Every draw comes from the *rand.Rand passed in, so a child is a function of its parent and a
// seed (population replays lineages that way). Mutate validates its parent and its child: a
// mutation that produced an invalid genome would be a bug, and it is reported as an error rather
// than published. The tests: mutate_test.go checks each mutation's effect and its IDs,
// sampling_test.go the distributions (log-uniform learning-rate factor, channel range, stride
// steps, filter sizes, a uniform choice among the eleven), property_test.go thousands of random
// mutation chains whose every genome must be valid, round-trip through JSON and have a finite
// cost.
//
// # Limits and validation
//
// The paper bounds an architecture only by the hardware. evo has two kinds of bound, and neither
// is part of the algorithm. Validate keeps a decoded file sane: input sides up to MaxInputSide,
// channels up to MaxChannels, filters up to 2·MaxHalf+1 wide, strides up to 2^MaxStrideScale,
// MaxVertices vertices and MaxEdges edges, Classes in [2, MaxClasses], a finite learning rate
// above 0, well-formed unique IDs below NextID, the input vertex linear, and the chain rules
// above; its error is a *ValidationError naming the part and the field. No mutation leaves these
// ranges (a mutation that would simply does not apply). The bound that matters in a run is the
// trainer's resource cap (train.Config.MaxParams and MaxStepFLOPs): a child over it is a failed
// reproduction and is not published.
//
// # Encoding, hash, drawing
//
// Encode writes canonical JSON (format_version 1, a fixed field order, edges sorted by ID
// number, zero conv fields omitted), so equal genomes give equal bytes; this is genome.json in an
// individual's directory. Decode is strict: unknown, duplicate or differently capitalised keys,
// a missing or unknown format_version, trailing data and files over MaxEncodedSize are ErrFormat;
// a genome that decodes but breaks a rule is ErrInvalid (FuzzDecode keeps its corpus in
// testdata). ArchHash hashes the architecture without IDs or learning rate, for deduplication
// and statistics. DOT writes a Graphviz drawing (genome.dot); package evo/genome/draw draws SVG.
//
// # Cost
//
// The paper measures an experiment's compute as the sum over every individual built, dead ones
// included, of F_t·N_t + F_v·N_v: the FLOPs of one training step times the steps, plus the FLOPs
// of one validation batch times the validation batches. Cost computes it from the architecture
// alone; OpCounts lists each operation's share. Conventions (ours): a multiply or an add is one
// FLOP, so a multiply–add is two; comparisons, exponentials, logarithms, square roots and
// divisions count one; moving data (im2col, the skip resize, padding, reshapes) counts zero; a
// convolution counts every term of its dense product, zero padding included; a backward pass
// counts only the gradients that are needed (no input gradient for a conv that reads the image);
// the SGD update counts 6 per trainable parameter (decay, momentum, step). flops.go has one
// function per operation. package evo/train counts the same FLOPs on the graph it actually runs
// and its TestFLOPsMatchGenome requires the two to agree within 10%; TestCostReferenceNet
// pins the "full" reference net of package evo/train at 28.8 GFLOP per training step of
// batch 50.
package genome
