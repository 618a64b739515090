package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"evo/cmd/evo/internal/experiment"
	"fmt"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
	"evo/genome"
	"evo/population"
	"evo/train/checkpoint"
	"evo/train/data"
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
	o := onnx.Options{
		Doc: fmt.Sprintf("evo individual %s of the experiment %s (%s), validation accuracy %.4f",
			in.Meta.ID, e.Root.Dir(), e.Cfg.Dataset, in.Meta.Fitness),
		Metadata: map[string]string{
			"evo.id":      in.Meta.ID,
			"evo.dataset": e.Cfg.Dataset,
			"evo.fitness": strconv.FormatFloat(in.Meta.Fitness, 'g', -1, 64),
			"evo.input":   "normalised",
		},
	}
	gj, err := genome.Encode(g)
	if err != nil {
		return err
	}
	o.Metadata["evo.genome"] = string(gj) // the architecture, for tools that read evo's genomes
	if !c.Bool("no-normalise") {
		d, err := exportDataset(c, e)
		if err != nil {
			return err
		}
		o.Mean, o.Std = d.Mean, d.Std
		o.Metadata["evo.input"] = "pixels/255"
		mean, _ := json.Marshal(d.Mean)
		std, _ := json.Marshal(d.Std)
		o.Metadata["evo.input_mean"], o.Metadata["evo.input_std"] = string(mean), string(std)
		if names, err := json.Marshal(d.ClassNames); err == nil {
			o.Metadata["evo.class_names"] = string(names)
		}
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
	if err == nil {
		var d *data.Dataset
		if d, err = data.Load(c.Context, e.Cfg.Dataset, data.Options{Dir: dir}); err == nil {
			return d, nil
		}
	}
	return nil, fmt.Errorf("export: the ONNX graph starts with the input normalisation of the %s data set, which was not found: pass --data DIR, or --no-normalise for a model that takes normalised inputs: %w",
		e.Cfg.Dataset, err)
}
