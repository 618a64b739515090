package genome

import "fmt"

// TensorRole says what a tensor of the network built from a genome is for. Code that treats
// tensors differently (initialisation, weight decay, batch-norm statistics) switches on the role;
// the ID is only a key.
type TensorRole int

// The roles, with the shape each tensor has and the suffix its ID carries after its owner's ID.
const (
	ConvKernel TensorRole = iota + 1 // a conv edge's kernel [out, in, filter h, filter w]: "<edge>.w"
	BNGamma                          // a bn_relu vertex's batch-norm scale [C]: "<vertex>.bn.gamma"
	BNBeta                           // its batch-norm shift [C]: "<vertex>.bn.beta"
	BNMean                           // its running mean [C], not trainable: "<vertex>.bn.mean"
	BNVar                            // its running variance [C], not trainable: "<vertex>.bn.var"
	HeadWeight                       // the head's weights [C, classes]: "<head>.w"
	HeadBias                         // the head's bias [classes]: "<head>.b"
)

// roleInfo is the ID suffix and the printed name of each role. The suffixes are the tensor
// names inside checkpoints and exported models: changing one breaks every stored checkpoint.
var roleInfo = [...]struct{ suffix, name string }{
	ConvKernel: {".w", "conv kernel"},
	BNGamma:    {".bn.gamma", "batch-norm gamma"},
	BNBeta:     {".bn.beta", "batch-norm beta"},
	BNMean:     {".bn.mean", "batch-norm running mean"},
	BNVar:      {".bn.var", "batch-norm running variance"},
	HeadWeight: {".w", "head weights"},
	HeadBias:   {".b", "head bias"},
}

func (r TensorRole) valid() bool { return r >= ConvKernel && r <= HeadBias }

// String names the role ("conv kernel", "batch-norm gamma", …).
func (r TensorRole) String() string {
	if !r.valid() {
		return fmt.Sprintf("TensorRole(%d)", int(r))
	}
	return roleInfo[r].name
}

// Trainable reports whether SGD updates tensors of this role: every role but the batch-norm
// running statistics.
func (r TensorRole) Trainable() bool { return r.valid() && r != BNMean && r != BNVar }

// TensorID returns the stable ID of the tensor with role r that belongs to owner (the ID of a
// conv edge, of a bn_relu vertex or of the head), e.g. TensorID("e12", ConvKernel) = "e12.w".
// Checkpoints store tensors under this ID, and weight inheritance matches on it. It panics on a
// role that is not one of the constants above.
func TensorID(owner string, r TensorRole) string {
	if !r.valid() {
		panic(fmt.Sprintf("genome: TensorID(%q, %d): not a tensor role", owner, int(r)))
	}
	return owner + roleInfo[r].suffix
}

// newTensor returns the spec of owner's tensor of role r.
func newTensor(owner string, r TensorRole, shape ...int) TensorSpec {
	return TensorSpec{ID: TensorID(owner, r), Owner: owner, Role: r, Shape: shape, Trainable: r.Trainable()}
}
