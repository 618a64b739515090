package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/experiment"
	"evo/cmd/evo/internal/text"
	"evo/genome"
	"evo/population"
	"evo/train/checkpoint"
	"evo/train/data"
	"evo/train/export"
	"evo/train/onnx"
)

// exportONNX writes the individual as one ONNX model file (evo export --format onnx).
func exportONNX(c *cli.Context, e *experiment.Experiment, in population.Individual, g *genome.Genome, ck *checkpoint.Checkpoint) error {
	out := c.Path("output")
	if out == "" {
		out = "evo-" + in.Meta.ID + ".onnx"
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("export to %s: the file exists: give a new file name with -o", out)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("export to %s: %w", out, err)
	}
	var d *data.Dataset
	if !c.Bool("no-normalise") {
		var err error
		if d, err = exportDataset(c, e); err != nil {
			return fmt.Errorf("export: the ONNX graph starts with the input normalisation of the %s data set, which was not found: pass --data DIR, or --no-normalise for a model that takes normalised inputs: %w",
				e.Cfg.Dataset, err)
		}
	}
	o, err := export.ONNXOptions(g, export.Info{ID: in.Meta.ID, Experiment: e.Root.Dir(), Dataset: e.Cfg.Dataset, Fitness: in.Meta.Fitness}, d)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := onnx.Export(&b, g, ck, o); err != nil {
		return fmt.Errorf("export %s: %w", in.Meta.ID, err)
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(c.App.Writer, "exported %s (validation accuracy %.4f, %s parameters) as ONNX opset %d to %s (%s bytes); input %q float32 [N,%d,%d,%d] holding %s, output %q [N,%d]\n",
		in.Meta.ID, in.Meta.Fitness, text.SI(float64(ck.Params())), onnx.Opset, out, text.SI(float64(b.Len())),
		onnx.InputName, g.Input.C, g.Input.H, g.Input.W, o.Metadata["evo.input"], onnx.OutputName, g.Classes)
	return nil
}

// exportDataset loads the experiment's data set for its normalisation constants; it is never
// downloaded for an export.
func exportDataset(c *cli.Context, e *experiment.Experiment) (*data.Dataset, error) {
	dir, err := data.Locate(c.Path("data"))
	if err != nil {
		return nil, err
	}
	return data.Load(c.Context, e.Cfg.Dataset, data.Options{Dir: dir})
}
