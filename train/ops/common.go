package ops

import (
	"fmt"
	"hash"
	"hash/fnv"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/train/internal/vec"
)

// float is the element type of every kernel in this package.
type float interface{ float32 | float64 }

// instanceSeq numbers op instances so that two ops with equal parameters never hash alike: ops
// own state (buffers, running statistics), so gorgonia must not merge two of their nodes.
var instanceSeq atomic.Uint64

func nextInstance() uint64 { return instanceSeq.Add(1) }

// opHash is the shared Hashcode implementation: FNV-1a over WriteHash.
func opHash(w interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	w.WriteHash(h)
	return h.Sum32()
}

// tensorType is a gorgonia tensor type of the given rank over the type variable 'a'.
func tensorType(dims int) hm.Type {
	return gorgonia.TensorType{Dims: dims, Of: hm.TypeVariable('a')}
}

// shapeOf returns the tensor.Shape behind a DimSizer.
func shapeOf(op string, d gorgonia.DimSizer) (tensor.Shape, error) {
	s, ok := d.(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("%s: input dim sizer %T is not a tensor.Shape: %w", op, d, ErrShape)
	}
	return s, nil
}

// slot holds one reusable buffer of either element type.
type slot struct{ v any }

// get returns the slot's buffer as a []T of length n, allocating it only when the slot is empty
// or holds another type or length.
func get[T float](s *slot, n int) []T {
	if b, ok := s.v.([]T); ok && len(b) == n {
		return b
	}
	b := make([]T, n)
	s.v = b
	return b
}

// workerSlots is a growable set of per-worker scratch slots.
type workerSlots struct{ s []slot }

func (w *workerSlots) at(i int) *slot {
	for len(w.s) <= i {
		w.s = append(w.s, slot{})
	}
	return &w.s[i]
}

// data returns the backing slice of v as []T, checking dtype, layout and element count.
func data[T float](op string, v gorgonia.Value, n int) ([]T, error) {
	d, ok := v.(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("%s: input is %T, want *tensor.Dense: %w", op, v, ErrLayout)
	}
	if d.RequiresIterator() {
		return nil, fmt.Errorf("%s: input is a non-contiguous view (shape %v); materialise it first: %w", op, d.Shape(), ErrLayout)
	}
	b, ok := d.Data().([]T)
	if !ok {
		return nil, fmt.Errorf("%s: input dtype %v does not match the op's other inputs: %w", op, d.Dtype(), ErrDtype)
	}
	if len(b) != n {
		return nil, fmt.Errorf("%s: input has %d elements (shape %v), want %d: %w", op, len(b), d.Shape(), n, ErrShape)
	}
	return b, nil
}

// dtypeOf returns the dtype of the first input, which must be float32 or float64.
func dtypeOf(op string, v gorgonia.Value) (tensor.Dtype, error) {
	if v == nil {
		return tensor.Dtype{}, fmt.Errorf("%s: nil input: %w", op, ErrDtype)
	}
	dt := v.Dtype()
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return tensor.Dtype{}, fmt.Errorf("%s: dtype %v, want float32 or float64: %w", op, dt, ErrDtype)
	}
	return dt, nil
}

// wrap returns a fresh tensor header over buf. The header is new on every call on purpose:
// gorgonia may hand a node's value back to tensor's header pool (Node.unbind), after which the
// header is recycled for unrelated tensors; the backing array is never pooled, so it stays ours.
func wrap[T float](buf []T, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(buf))
}

// workers is how many goroutines split n independent items.
func workers(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n)) }

// minParallelWork is the least work (elements touched) worth splitting across goroutines. The
// loops that ask (global average pooling) run in vector code at several elements a nanosecond,
// from cache; handing a range to another core and joining it costs a few microseconds and, on
// a virtual machine, varies from step to step.
const minParallelWork = 1 << 20

// parallelWork is parallel for n items that together touch work elements: on one goroutine when
// the work is too small to pay for more.
func parallelWork(n, work int, fn func(worker, lo, hi int)) {
	if work < minParallelWork {
		fn(0, 0, n)
		return
	}
	parallel(n, fn)
}

// parallel runs fn over [0,n) split into workers(n) contiguous ranges; the worker index selects
// that range's scratch. With one worker it runs on the caller. The other ranges go to the pool's
// long-lived goroutines, which keep their grown stacks (a fresh goroutine per range regrew its
// stack on every call) and spare a goroutine creation per op. fn must not call parallel.
//
// A training step makes dozens of parallel calls a few hundred microseconds apart. Waking a
// parked goroutine (and the idle CPU under it: in a virtual machine, a halted vCPU) takes tens
// of microseconds, which on the small nets cost a third of the second core. So the pool's
// goroutines spin for a while after each range before they park, and the caller spins before
// it waits for them.
func parallel(n int, fn func(worker, lo, hi int)) {
	w := workers(n)
	if w == 1 {
		fn(0, 0, n)
		return
	}
	j := new(join)
	j.left.Store(int32(w - 1))
	j.wg.Add(w - 1)
	for i := 1; i < w; i++ {
		submit(poolTask{fn: fn, worker: i, lo: i * n / w, hi: (i + 1) * n / w, j: j})
	}
	fn(0, 0, n/w)
	spinUntil(waitSpin, func() bool { return j.left.Load() == 0 })
	j.wg.Wait()
}

// join counts the ranges of one parallel call still running: left for spinning, wg for parking.
type join struct {
	left atomic.Int32
	wg   sync.WaitGroup
}

// How long the caller of parallel spins for its ranges before it parks, and how long an idle
// pool goroutine spins for the next range before it parks.
const (
	waitSpin = 100 * time.Microsecond
	idleSpin = 300 * time.Microsecond
)

// spinUntil polls done until it holds or d has passed, yielding the processor now and then so
// that spinning never starves a runnable goroutine. It reports whether done held.
func spinUntil(d time.Duration, done func() bool) bool {
	var start time.Time
	for i := 0; ; i++ {
		if done() {
			return true
		}
		if i&63 == 63 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > d {
				return false
			}
			runtime.Gosched()
		}
	}
}

// poolTask is one range of a parallel call.
type poolTask struct {
	fn             func(worker, lo, hi int)
	worker, lo, hi int
	j              *join
}

func (t poolTask) run() {
	defer t.j.wg.Done()
	defer t.j.left.Add(-1)
	t.fn(t.worker, t.lo, t.hi)
}

// pool holds GOMAXPROCS−1 long-lived goroutines (started on first use, more if GOMAXPROCS grows)
// that run parallel's ranges from a queue.
var pool struct {
	mu      sync.Mutex
	started int
	tasks   chan poolTask
}

// poolQueue bounds the queued ranges; past it a range runs on a fresh goroutine.
const poolQueue = 64

// submit queues t for the pool.
func submit(t poolTask) {
	pool.mu.Lock()
	if pool.tasks == nil {
		pool.tasks = make(chan poolTask, poolQueue)
	}
	for ; pool.started < runtime.GOMAXPROCS(0)-1; pool.started++ {
		go poolWorker(pool.tasks)
	}
	tasks := pool.tasks
	pool.mu.Unlock()
	select {
	case tasks <- t:
	default:
		go t.run()
	}
}

// poolWorker runs ranges: while they keep coming it polls the queue, and after idleSpin without
// one it parks on the queue.
func poolWorker(tasks <-chan poolTask) {
	var next poolTask
	poll := func() bool {
		select {
		case next = <-tasks:
			return true
		default:
			return false
		}
	}
	for {
		if !spinUntil(idleSpin, poll) {
			next = <-tasks
		}
		next.run()
	}
}

// FLOPCounter is implemented by every op of this package, forward and gradient: the
// floating-point operations of one Do, split into matrix products and the rest, with the
// conventions of package genome (a multiply or an add is one FLOP, data movement none).
type FLOPCounter interface {
	FLOPs() (matmul, other int64)
}

var (
	_ FLOPCounter = (*Conv2DOp)(nil)
	_ FLOPCounter = (*convGradInputOp)(nil)
	_ FLOPCounter = (*convGradWeightOp)(nil)
	_ FLOPCounter = (*BNReLUOp)(nil)
	_ FLOPCounter = (*bnGradOp)(nil)
	_ FLOPCounter = (*bnParamGradOp)(nil)
	_ FLOPCounter = (*GlobalAvgPoolOp)(nil)
	_ FLOPCounter = (*gapGradOp)(nil)
	_ FLOPCounter = (*ResizePadOp)(nil)
	_ FLOPCounter = (*resizeGradOp)(nil)
)

// addTo sets dst[i] += src[i]: in vector assembly for float32.
func addTo[T float](dst, src []T) {
	if d, ok := any(dst).([]float32); ok {
		vec.Add(d, any(src).([]float32))
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
