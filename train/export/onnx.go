package export

import (
	"encoding/json"
	"fmt"
	"strconv"

	"evo/genome"
	"evo/train/data"
	"evo/train/onnx"
)

// ONNXOptions returns the options of an ONNX export of g, the individual info describes: its
// doc string and evo.* metadata (id, data set, fitness, genome and the input convention).
// With d the graph starts with d's per-channel normalisation and takes pixels/255, and the
// metadata carry the constants and class names; with d nil the model takes normalised inputs.
func ONNXOptions(g *genome.Genome, info Info, d *data.Dataset) (onnx.Options, error) {
	o := onnx.Options{
		Doc: fmt.Sprintf("evo individual %s of the experiment %s (%s), validation accuracy %.4f",
			info.ID, info.Experiment, info.Dataset, info.Fitness),
		Metadata: map[string]string{
			"evo.id":      info.ID,
			"evo.dataset": info.Dataset,
			"evo.fitness": strconv.FormatFloat(info.Fitness, 'g', -1, 64),
			"evo.input":   "normalised",
		},
	}
	gj, err := genome.Encode(g)
	if err != nil {
		return onnx.Options{}, fmt.Errorf("onnx metadata of %s: %w", info.ID, err)
	}
	o.Metadata["evo.genome"] = string(gj) // the architecture, for tools that read evo's genomes
	if d == nil {
		return o, nil
	}
	o.Mean, o.Std = d.Mean, d.Std
	o.Metadata["evo.input"] = "pixels/255"
	mean, _ := json.Marshal(d.Mean)
	std, _ := json.Marshal(d.Std)
	o.Metadata["evo.input_mean"], o.Metadata["evo.input_std"] = string(mean), string(std)
	if names, err := json.Marshal(d.ClassNames); err == nil {
		o.Metadata["evo.class_names"] = string(names)
	}
	return o, nil
}

// Normalisation describes the input normalisation of data set d for README.txt (Info's
// Normalisation), with its per-channel constants; with d nil (the data set was not found)
// it says how to add them.
func Normalisation(d *data.Dataset) string {
	const how = "pixel bytes divided by 255, then normalised\n" +
		"  per channel with the mean and standard deviation of the training split"
	if d == nil {
		return how + " (the data set was not found, so the constants are not given here:\n  `evo export --data DIR` adds them).\n"
	}
	return fmt.Sprintf("%s:\n    x = (byte/255 - mean[c]) / std[c], mean = %v, std = %v\n", how, d.Mean, d.Std)
}
