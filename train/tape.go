package train

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	G "gorgonia.org/gorgonia"
)

// gorgonia's TapeMachine.RunAll locks the OS thread, starts a goroutine that executes the
// program and waits for it on channels: two or three OS-thread hand-offs per call, 30–45 µs on
// our machines, which is half a training step of the paper's first individuals. The machine
// also has an exported Run(fragment) that executes instructions on the calling goroutine; it
// takes the program's instruction list, which gorgonia does not export, so tapeRunner reads it
// once by reflection. A run is then what RunAll does, in the same order, without the
// goroutine: the instructions, the machine's extern work (none without a batched BLAS), and its
// closure queue. Run also rebinds every node to its register at the end, as exec already did.
//
// When a gorgonia version changes any of these fields or methods, newTapeRunner reports it
// and the model runs through RunAll (TestTapeRunner fails, so the change is noticed).

// tapeRunner runs a tape machine's whole program on the calling goroutine.
type tapeRunner struct {
	run   reflect.Value   // the machine's Run method
	args  []reflect.Value // Run's argument: the program's instructions
	queue *[]func() error // the machine's closure queue, which RunAll runs after every run
	work  interface{ DoWork() error }
}

// errNoTapeRunner: the machine is not the tape machine this file knows.
var errNoTapeRunner = errors.New("train: gorgonia's tape machine has changed: running through RunAll")

// newTapeRunner returns a runner for vm, a gorgonia tape machine.
func newTapeRunner(vm G.VM) (r *tapeRunner, err error) {
	defer func() {
		// reflect panics on a field or method of a different kind than expected.
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("%v: %w", p, errNoTapeRunner)
		}
	}()
	mv := reflect.ValueOf(vm)
	if mv.Kind() != reflect.Pointer || mv.Elem().Kind() != reflect.Struct {
		return nil, errNoTapeRunner
	}
	work, ok := vm.(interface {
		DoWork() error
		WorkAvailable() <-chan bool
	})
	if !ok || work.WorkAvailable() != nil {
		return nil, errNoTapeRunner // extern work would need RunAll's loop
	}
	run := mv.MethodByName("Run")
	prog := mv.Elem().FieldByName("p")
	queue := mv.Elem().FieldByName("closureQueue")
	if !run.IsValid() || !prog.IsValid() || !queue.IsValid() || prog.Kind() != reflect.Pointer || prog.IsNil() {
		return nil, errNoTapeRunner
	}
	instr := prog.Elem().FieldByName("instructions")
	if !instr.IsValid() || run.Type().NumIn() != 1 || run.Type().In(0) != instr.Type() ||
		run.Type().NumOut() != 1 || run.Type().Out(0) != reflect.TypeFor[error]() ||
		queue.Type() != reflect.TypeFor[[]func() error]() {
		return nil, errNoTapeRunner
	}
	// Unexported fields read through reflection cannot be passed on; the same memory seen
	// through NewAt can.
	arg := reflect.NewAt(instr.Type(), unsafe.Pointer(instr.UnsafeAddr())).Elem()
	q := (*[]func() error)(unsafe.Pointer(queue.UnsafeAddr()))
	return &tapeRunner{run: run, args: []reflect.Value{arg}, queue: q, work: work}, nil
}

// runAll executes the program once, as RunAll does.
func (r *tapeRunner) runAll() error {
	if err, _ := r.run.Call(r.args)[0].Interface().(error); err != nil {
		return err
	}
	if err := r.work.DoWork(); err != nil {
		return err
	}
	for _, closure := range *r.queue {
		if err := closure(); err != nil {
			return err
		}
	}
	return nil
}
