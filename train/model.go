package train

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/ops"
)

// buildSpec says what kind of graph to build for a genome.
type buildSpec struct {
	batch    int          // examples per run
	dtype    tensor.Dtype // tensor.Float32 for training, tensor.Float64 for gradient checks
	training bool         // batch statistics and gradients; otherwise running statistics only
	bnDecay  float64      // running-statistics decay
	bnEps    float64      // batch-norm epsilon
	// blocks builds the blocks of the network; nil means customOps, the custom ops of
	// train/ops. The tests set the stock-gorgonia reference here.
	blocks blockBuilder
}

// model is one gorgonia graph built from a genome for a fixed batch size, with its machine. A
// training model uses batch statistics (and updates the running ones) and computes gradients of
// the loss; an evaluation model uses the running statistics and computes no gradients. Both
// compute logits and the mean cross-entropy loss.
type model struct {
	spec   buildSpec
	g      *G.ExprGraph
	x      *G.Node // input batch (B, C, H, W)
	y      *G.Node // one-hot labels (B, K)
	logits *G.Node // (B, K)
	loss   *G.Node // scalar
	// out receives the loss and the logits of each run.
	out    *readouts
	xT, yT *tensor.Dense
	params []*param  // trainable tensors, in the genome's Tensors order
	stats  []bnStats // one per bn_relu vertex, in backbone order
	vm     G.VM
	runner *tapeRunner // runs vm on the calling goroutine; nil: vm.RunAll
}

// readouts receives copies of the loss and the logits on every run (gorgonia.Read):
// intermediate node values are not valid after the machine resets. It is a heap object of its
// own, never a field of model: the graph's read ops point at it, the machine points at the
// graph, and gorgonia sets a finalizer on the machine. Go never frees a reference cycle that
// contains an object with a finalizer, so read targets inside the model (model → machine →
// graph → read op → model) kept every model ever built alive: 0.3–0.7 MB per small digits net,
// megabytes on CIFAR.
type readouts struct {
	loss, logits G.Value
}

// param is one trainable tensor of a model.
type param struct {
	spec  genome.TensorSpec
	node  *G.Node
	value *tensor.Dense // the node's value, updated in place by the optimiser
	decay bool          // weight decay applies (conv kernels and the head's weight matrix)
}

// maxBuildAttempts bounds the rebuilds with fresh node names after a hash collision.
const maxBuildAttempts = 8

// testHookBuilt, when set by a test, sees every model that buildModel returns.
var testHookBuilt func(*model)

// buildModel builds the graph of g for spec, retrying with differently salted node names when
// gorgonia's 32-bit node hashes collide (trap 4), and compiles it into a tape machine. The
// tensors start zero: load values with setState.
func buildModel(g *genome.Genome, spec buildSpec) (*model, error) {
	if spec.blocks == nil {
		spec.blocks = customOps{}
	}
	var err error
	for attempt := range maxBuildAttempts {
		salt := ""
		if attempt > 0 {
			salt = fmt.Sprintf("r%d/", attempt)
		}
		var m *model
		m, err = buildGraph(g, spec, salt)
		if err != nil {
			return nil, err
		}
		if err = checkHashes(m.g); err != nil {
			continue
		}
		if spec.training {
			wrt := make(G.Nodes, len(m.params))
			for i, p := range m.params {
				wrt[i] = p.node
			}
			m.vm = G.NewTapeMachine(m.g, G.BindDualValues(wrt...))
		} else {
			m.vm = G.NewTapeMachine(m.g)
		}
		// The runner skips what RunAll does for the NaN, Inf and pointer watches and for
		// tracing; none of those options is set above.
		m.runner, _ = newTapeRunner(m.vm) // nil: RunAll, slower but the same
		if testHookBuilt != nil {
			testHookBuilt(m)
		}
		return m, nil
	}
	return nil, fmt.Errorf("build %d-vertex genome: %d attempts: %w", len(g.Vertices), maxBuildAttempts, err)
}

// buildGraph builds the expression graph: the backbone vertex by vertex, then the head and the
// loss, then (for training) the gradients. salt prefixes every node name.
func buildGraph(gn *genome.Genome, spec buildSpec, salt string) (*model, error) {
	shapes, err := gn.Shapes()
	if err != nil {
		return nil, fmt.Errorf("train: %w: %w", ErrBuild, err)
	}
	specs, err := gn.Tensors()
	if err != nil {
		return nil, fmt.Errorf("train: %w: %w", ErrBuild, err)
	}
	m := &model{spec: spec, g: G.NewGraph()}
	tensors := make(tensorIndex, len(specs))
	for _, s := range specs {
		t := tensorOf{spec: s}
		if s.Trainable {
			t.param = m.newParam(s, salt)
			m.params = append(m.params, t.param)
		}
		tensors[tensorKey{s.Owner, s.Role}] = t
	}
	in := gn.Input
	m.xT = tensor.New(tensor.Of(spec.dtype), tensor.WithShape(spec.batch, in.C, in.H, in.W))
	m.yT = tensor.New(tensor.Of(spec.dtype), tensor.WithShape(spec.batch, gn.Classes))
	m.x = G.NewTensor(m.g, spec.dtype, 4, G.WithShape(m.xT.Shape()...), G.WithName(salt+"input"), G.WithValue(m.xT))
	m.y = G.NewTensor(m.g, spec.dtype, 2, G.WithShape(m.yT.Shape()...), G.WithName(salt+"onehot"), G.WithValue(m.yT))

	out := make(map[string]*G.Node, len(gn.Vertices))
	for i, v := range gn.Vertices {
		var h *G.Node
		if i == 0 {
			h = m.x
		} else if h, err = m.vertexInput(gn, v, shapes[v.ID], out, tensors, salt); err != nil {
			return nil, err
		}
		if v.Activation == genome.BNReLU {
			gamma, beta := tensors.node(v.ID, genome.BNGamma), tensors.node(v.ID, genome.BNBeta)
			cfg := ops.BNConfig{Decay: spec.bnDecay, Epsilon: spec.bnEps}
			var op runningStats
			if h, op, err = spec.blocks.bnReLU(h, gamma, beta, cfg); err != nil {
				return nil, fmt.Errorf("train: vertex %s: %w: %w", v.ID, ErrBuild, err)
			}
			bs := bnStats{mean: tensors.spec(v.ID, genome.BNMean), variance: tensors.spec(v.ID, genome.BNVar), op: op}
			m.stats = append(m.stats, bs)
		}
		out[v.ID] = h
	}
	if err := m.head(gn, out[gn.OutputVertex().ID], tensors); err != nil {
		return nil, err
	}
	return m, nil
}

// vertexInput builds the sum of a vertex's inputs before its activation: the primary edge
// (identity or conv) plus every skip, resized and channel-adjusted to shape s.
func (m *model) vertexInput(gn *genome.Genome, v genome.Vertex, s genome.Shape, out map[string]*G.Node, tensors tensorIndex, salt string) (*G.Node, error) {
	e, ok := gn.PrimaryIn(v.ID)
	if !ok {
		return nil, fmt.Errorf("train: vertex %s has no primary in-edge: %w", v.ID, ErrBuild)
	}
	h := out[e.From]
	var err error
	if e.Kind == genome.Conv {
		// The network input needs no gradient: skip the conv's input gradient there.
		w := tensors.node(e.ID, genome.ConvKernel)
		if h, err = m.spec.blocks.conv(h, w, e.Stride(), h == m.x, salt+e.ID); err != nil {
			return nil, fmt.Errorf("train: edge %s: %w: %w", e.ID, ErrBuild, err)
		}
	}
	for _, sk := range gn.SkipsIn(v.ID) {
		r, err := m.spec.blocks.skip(out[sk.From], s, salt+sk.ID)
		if err != nil {
			return nil, fmt.Errorf("train: edge %s: %w: %w", sk.ID, ErrBuild, err)
		}
		if h, err = G.Add(h, r); err != nil {
			return nil, fmt.Errorf("train: edge %s: sum at vertex %s: %w: %w", sk.ID, v.ID, ErrBuild, err)
		}
	}
	return h, nil
}

// head adds global average pooling, the fully-connected layer, the loss, the value readers and
// (for training) the gradients.
func (m *model) head(gn *genome.Genome, feat *G.Node, tensors tensorIndex) error {
	blocks := m.spec.blocks
	pooled, err := blocks.gap(feat)
	if err == nil {
		w, b := tensors.node(gn.HeadID, genome.HeadWeight), tensors.node(gn.HeadID, genome.HeadBias)
		m.logits, err = blocks.dense(pooled, w, b)
	}
	if err == nil {
		m.loss, err = blocks.xent(m.logits, m.y)
	}
	if err != nil {
		return fmt.Errorf("train: head %s: %w: %w", gn.HeadID, ErrBuild, err)
	}
	if m.spec.training {
		wrt := make(G.Nodes, len(m.params))
		for i, p := range m.params {
			wrt[i] = p.node
		}
		if _, err := G.Grad(m.loss, wrt...); err != nil {
			return fmt.Errorf("train: gradients: %w: %w", ErrBuild, err)
		}
	}
	m.out = &readouts{}
	G.Read(m.loss, &m.out.loss)
	G.Read(m.logits, &m.out.logits)
	return nil
}

// newParam creates the node of a trainable tensor, of the shape the blocks want it in. Weight
// decay applies to the conv kernels and the head's weight matrix.
func (m *model) newParam(s genome.TensorSpec, salt string) *param {
	shape := m.spec.blocks.paramShape(s)
	v := tensor.New(tensor.Of(m.spec.dtype), tensor.WithShape(shape...))
	n := G.NewTensor(m.g, m.spec.dtype, len(shape), G.WithShape(shape...), G.WithName(salt+s.ID), G.WithValue(v))
	decay := s.Role == genome.ConvKernel || s.Role == genome.HeadWeight
	return &param{spec: s, node: n, value: v, decay: decay}
}

// tensorKey finds a tensor of the genome by its owner and role.
type tensorKey struct {
	owner string
	role  genome.TensorRole
}

// tensorOf is one tensor of the genome, with its parameter when it is trainable.
type tensorOf struct {
	spec  genome.TensorSpec
	param *param // nil for the running statistics
}

// tensorIndex holds every tensor of the genome being built.
type tensorIndex map[tensorKey]tensorOf

// spec returns the spec of owner's tensor of role r.
func (ix tensorIndex) spec(owner string, r genome.TensorRole) genome.TensorSpec {
	return ix[tensorKey{owner, r}].spec
}

// node returns the graph node of owner's trainable tensor of role r. The genome listed it in
// Tensors, so it exists.
func (ix tensorIndex) node(owner string, r genome.TensorRole) *G.Node {
	return ix[tensorKey{owner, r}].param.node
}

// close releases the machine and drops the model's references to it, to the graph and to the
// tensors, so that a model that is itself still referenced holds only a few words. The model
// cannot run afterwards.
func (m *model) close() {
	if m.vm != nil {
		_ = m.vm.Close()
		// Close did what the finalizer does (nothing, without CUDA); without the finalizer
		// the machine and its graph are freed in the first collection that finds them
		// unreachable instead of the second.
		if reflect.ValueOf(m.vm).Kind() == reflect.Pointer {
			runtime.SetFinalizer(m.vm, nil)
		}
	}
	m.vm, m.runner, m.g = nil, nil, nil
	m.x, m.y, m.logits, m.loss, m.out = nil, nil, nil, nil, nil
	m.xT, m.yT, m.params, m.stats = nil, nil, nil, nil
}

var errNotFinite = errors.New("value is not finite")
