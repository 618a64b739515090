package main

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
	"evo/storage"
	"evo/train/export"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write an individual's genome and weights in open formats, or as an ONNX model",
		ArgsUsage: "ID|best",
		Description: "--format dir (the default) writes genome.json, genome.dot, architecture.svg,\n" +
			"weights.safetensors (safetensors: opens with the safetensors library or a few lines of numpy),\n" +
			"individual.json (its record) and a README.txt that says how to load them. --npy adds\n" +
			"npy/<tensor>.npy per tensor and npy/index.json. The directory must not exist or be empty.\n\n" +
			"--format onnx writes one ONNX model (opset 13) of the network for inference: input \"input\"\n" +
			"float32 [N,C,H,W] holding pixels/255, output \"logits\" [N,classes]; batch norm uses the\n" +
			"running statistics. The graph starts with the data set's per-channel normalisation, so the\n" +
			"data set must be found (--data); --no-normalise leaves it out and the model then takes\n" +
			"normalised inputs. onnxruntime, or any ONNX runtime, runs the file.",
		Flags:  flagsOf("export"),
		Action: runExport,
	}
}

func runExport(c *cli.Context) error {
	format := c.String("format")
	if format != "dir" && format != "onnx" {
		return fmt.Errorf("--format %q: use dir or onnx", format)
	}
	if format == "onnx" && c.Bool("npy") {
		return fmt.Errorf("--npy belongs to --format dir: leave it out of an ONNX export")
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	in, err := individualArg(c, e, "")
	if err != nil {
		return err
	}
	g, _, err := e.Genome(in)
	if err != nil {
		return err
	}
	ck, err := e.Weights(in)
	if err != nil {
		return err
	}
	if format == "onnx" {
		return exportONNX(c, e, in, g, ck)
	}
	out := c.Path("output")
	if out == "" {
		out = "evo-export-" + in.Meta.ID
	}
	for id := range ck.Tensors {
		if c.Bool("npy") && !storage.ValidName(id) {
			return fmt.Errorf("tensor id %q cannot be a file name: the checkpoint is not evo's", id)
		}
	}
	record, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	d, err := exportDataset(c, e)
	if err != nil {
		d = nil // not at hand: README.txt then says how to add the normalisation constants
	}
	m := in.Meta
	files, err := export.Files(g, ck, export.Info{ID: m.ID, Experiment: e.Root.Dir(), Dataset: e.Cfg.Dataset,
		Fitness: m.Fitness, Generation: m.Generation, Steps: m.Steps, LearningRate: m.LearningRate,
		Normalisation: export.Normalisation(d), Record: record}, c.Bool("npy"))
	if err != nil {
		return err
	}
	if err := export.WriteDir(out, files); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "exported %s (validation accuracy %.4f, %d tensors, %s parameters) to %s/: %d files\n",
		in.Meta.ID, in.Meta.Fitness, len(ck.Tensors), text.SI(float64(ck.Params())), out, len(files))
	return nil
}
