package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"evo/genome/draw"
)

func drawCommand() *cli.Command {
	return &cli.Command{
		Name:      "draw",
		Usage:     "draw an individual's architecture as SVG (no external tool needed) or Graphviz DOT",
		ArgsUsage: "ID|best",
		Description: "SVG: the backbone top to bottom with shapes, activations and conv parameters, skips as\n" +
			"dashed arcs. DOT: render with `dot -Tsvg`. Dead individuals are drawn from their grave or\n" +
			"their replayed lineage (see `evo show`).",
		Flags:  flagsOf("draw"),
		Action: runDraw,
	}
}

func runDraw(c *cli.Context) error {
	format := c.String("format")
	if format != "svg" && format != "dot" {
		return fmt.Errorf("--format %q: use svg or dot", format)
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
	var b bytes.Buffer
	if err := draw.Write(&b, g, format); err != nil {
		return fmt.Errorf("draw %s: %w", in.Meta.ID, err)
	}
	if out := c.Path("output"); out != "" {
		if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write the drawing: %w", err)
		}
		fmt.Fprintf(c.App.ErrWriter, "evo: wrote %s (%s of %s)\n", out, format, in.Meta.ID)
		return nil
	}
	_, err = c.App.Writer.Write(b.Bytes())
	return err
}
