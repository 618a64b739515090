package settings

// Overridable returns the fields of c that `evo init` and `evo run` set from the flag of
// the same name, as pointers: *int, *int64, *string, *float64 or *Duration. Not among them:
// --preset, which picks c, and --no-inheritance, the inverse of InheritWeights.
func (c *Config) Overridable() map[string]any {
	return map[string]any{
		"dataset":           &c.Dataset,
		"seed":              &c.Seed,
		"population":        &c.Population,
		"selection":         &c.Selection,
		"tournament-size":   &c.TournamentSize,
		"mutations":         &c.MutationsPerChild,
		"steps":             &c.Steps,
		"batch-size":        &c.BatchSize,
		"max-eval-examples": &c.MaxEvalExamples,
		"max-params":        &c.MaxParams,
		"max-individuals":   &c.MaxIndividuals,
		"max-flops":         &c.MaxFLOPs,
		"max-wall":          &c.MaxWall,
	}
}
