package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/settings"
)

// Flags shared by several commands. Every flag can also be set from its EVO_* variable.
var (
	dirFlag = &cli.PathFlag{
		Name: "dir", Aliases: []string{"d"}, Value: "./evo-experiment", EnvVars: []string{"EVO_DIR"},
		Usage: "experiment directory (local disk or a shared filesystem)",
	}
	jsonFlag = &cli.BoolFlag{
		Name: "json", EnvVars: []string{"EVO_JSON"},
		Usage: "print machine-readable JSON instead of text",
	}
	dataFlag = &cli.PathFlag{
		Name: "data", EnvVars: []string{"EVO_DATA"},
		Usage: "data directory (default: the user cache directory, e.g. ~/.cache/evo); the digits set is built in",
	}
	downloadFlag = &cli.BoolFlag{
		Name: "download", Value: true, EnvVars: []string{"EVO_DOWNLOAD"},
		Usage: "download CIFAR-10/100 into the data directory when missing (md5-verified)",
	}
	logLevelFlag = &cli.StringFlag{
		Name: "log-level", Value: "info", EnvVars: []string{"EVO_LOG_LEVEL"},
		Usage: "log level: debug, info, warn or error",
	}
	threadsFlag = &cli.IntFlag{
		Name: "threads", EnvVars: []string{"EVO_THREADS"},
		Usage: "CPU threads per worker (GOMAXPROCS; 0 = all cores)",
	}
	nameFlag = &cli.StringFlag{
		Name: "name", EnvVars: []string{"EVO_WORKER_NAME"},
		Usage: "worker name, unique across the cluster (default: host-pid-random)",
	}
)

// configFlags override single fields of a preset in `evo init` and `evo run`. Their help shows
// each preset's own default (DefaultText), not the flag's zero value.
func configFlags() []cli.Flag {
	count := func(n int) string {
		if n == 0 {
			return "none"
		}
		return fmt.Sprint(n)
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "preset", Value: "digits", EnvVars: []string{"EVO_PRESET"},
			Usage: "starting settings: " + joinNames(settings.PresetNames())},
		&cli.StringFlag{Name: "dataset", EnvVars: []string{"EVO_DATASET"},
			Usage: "data set: digits, cifar10, cifar100, mnist, fashion-mnist", DefaultText: "the preset's"},
		&cli.Int64Flag{Name: "seed", EnvVars: []string{"EVO_SEED"}, Usage: "experiment seed", DefaultText: "1"},
		&cli.IntFlag{Name: "population", EnvVars: []string{"EVO_POPULATION"}, Usage: "population set-point P",
			DefaultText: perPreset(func(c settings.Config) string { return fmt.Sprint(c.Population) })},
		&cli.StringFlag{Name: "selection", EnvVars: []string{"EVO_SELECTION"},
			Usage:       "tournament (the paper), aging (Real et al. 2019) or random (random-search control)",
			DefaultText: perPreset(func(c settings.Config) string { return c.Selection })},
		&cli.IntFlag{Name: "tournament-size", EnvVars: []string{"EVO_TOURNAMENT_SIZE"},
			Usage: "S for aging selection (required with --selection aging)", DefaultText: "none"},
		&cli.BoolFlag{Name: "no-inheritance", EnvVars: []string{"EVO_NO_INHERITANCE"},
			Usage: "the paper's control: children train from fresh weights"},
		&cli.IntFlag{Name: "mutations", EnvVars: []string{"EVO_MUTATIONS"}, Usage: "mutations per child",
			DefaultText: perPreset(func(c settings.Config) string { return fmt.Sprint(c.MutationsPerChild) })},
		&cli.IntFlag{Name: "steps", EnvVars: []string{"EVO_STEPS"}, Usage: "SGD steps per individual (paper: 25,600)",
			DefaultText: perPreset(func(c settings.Config) string { return fmt.Sprint(c.Steps) })},
		&cli.IntFlag{Name: "batch-size", EnvVars: []string{"EVO_BATCH_SIZE"}, Usage: "training batch size (paper: 50)",
			DefaultText: perPreset(func(c settings.Config) string { return fmt.Sprint(c.BatchSize) })},
		&cli.IntFlag{Name: "max-eval-examples", EnvVars: []string{"EVO_MAX_EVAL_EXAMPLES"},
			Usage: "validation examples per fitness evaluation (0 = all)",
			DefaultText: perPreset(func(c settings.Config) string {
				if c.MaxEvalExamples == 0 {
					return "all"
				}
				return fmt.Sprint(c.MaxEvalExamples)
			})},
		&cli.Int64Flag{Name: "max-params", EnvVars: []string{"EVO_MAX_PARAMS"},
			Usage:       "resource cap: children with more parameters fail (0 = none)",
			DefaultText: perPreset(func(c settings.Config) string { return count(int(c.MaxParams)) })},
		&cli.IntFlag{Name: "max-individuals", EnvVars: []string{"EVO_MAX_INDIVIDUALS"},
			Usage:       "budget: stop once the experiment has trained this many individuals in all (0 = no limit; evo control --max-individuals changes it later)",
			DefaultText: perPreset(func(c settings.Config) string { return count(c.MaxIndividuals) })},
		&cli.Float64Flag{Name: "max-flops", EnvVars: []string{"EVO_MAX_FLOPS"},
			Usage: "budget: stop once the individuals built cost this many FLOPs in all (0 = no limit; evo control --max-flops changes it later)",
			DefaultText: perPreset(func(c settings.Config) string {
				if c.MaxFLOPs == 0 {
					return "none"
				}
				return fmt.Sprintf("%g", c.MaxFLOPs)
			})},
		&cli.DurationFlag{Name: "max-wall", EnvVars: []string{"EVO_MAX_WALL"},
			Usage: "budget: wall time of each run of evo run or evo worker (e.g. 90m; counted per run, so running again continues; 0 = no limit; evo control --max-wall changes it later)",
			DefaultText: perPreset(func(c settings.Config) string {
				if c.MaxWall == 0 {
					return "none"
				}
				return time.Duration(c.MaxWall).String()
			})},
	}
}

// perPreset describes a setting's default across the presets: "150", or "digits 20,
// cifar10-small 50, others 1000" when they differ (the value most presets share is "others").
func perPreset(value func(settings.Config) string) string {
	names := settings.PresetNames()
	freq := map[string]int{}
	for _, n := range names {
		freq[value(settings.Presets[n])]++
	}
	common := ""
	for v, k := range freq {
		if k > freq[common] || (k == freq[common] && v < common) {
			common = v
		}
	}
	if len(freq) == 1 {
		return common
	}
	var parts []string
	for _, n := range names {
		if v := value(settings.Presets[n]); v != common {
			parts = append(parts, n+" "+v)
		}
	}
	return strings.Join(parts, ", ") + ", others " + common
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

// configFromFlags builds an experiment config from --preset and the override flags.
func configFromFlags(c *cli.Context) (*settings.Config, error) {
	cfg, err := settings.Preset(c.String("preset"))
	if err != nil {
		return nil, err
	}
	if c.IsSet("dataset") {
		cfg.Dataset = c.String("dataset")
	}
	if c.IsSet("seed") {
		cfg.Seed = c.Int64("seed")
	}
	if c.IsSet("population") {
		cfg.Population = c.Int("population")
	}
	if c.IsSet("selection") {
		cfg.Selection = c.String("selection")
	}
	if c.IsSet("tournament-size") {
		cfg.TournamentSize = c.Int("tournament-size")
	}
	if c.IsSet("no-inheritance") {
		cfg.InheritWeights = !c.Bool("no-inheritance")
	}
	if c.IsSet("mutations") {
		cfg.MutationsPerChild = c.Int("mutations")
	}
	if c.IsSet("steps") {
		cfg.Steps = c.Int("steps")
	}
	if c.IsSet("batch-size") {
		cfg.BatchSize = c.Int("batch-size")
	}
	if c.IsSet("max-eval-examples") {
		cfg.MaxEvalExamples = c.Int("max-eval-examples")
	}
	if c.IsSet("max-params") {
		cfg.MaxParams = c.Int64("max-params")
	}
	if c.IsSet("max-individuals") {
		cfg.MaxIndividuals = c.Int("max-individuals")
	}
	if c.IsSet("max-flops") {
		cfg.MaxFLOPs = c.Float64("max-flops")
	}
	if c.IsSet("max-wall") {
		cfg.MaxWall = settings.Duration(c.Duration("max-wall"))
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}
