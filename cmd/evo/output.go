package main

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"
)

// printJSON writes v as indented JSON on the command's stdout.
func printJSON(c *cli.Context, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.App.Writer, "%s\n", b)
	return err
}
