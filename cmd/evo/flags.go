package main

import (
	"github.com/urfave/cli/v2"
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

// configFlags override single fields of a preset in `evo init` and `evo run`.
func configFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "preset", Value: "digits", EnvVars: []string{"EVO_PRESET"},
			Usage: "starting settings: " + joinNames(presetNames())},
		&cli.StringFlag{Name: "dataset", EnvVars: []string{"EVO_DATASET"},
			Usage: "data set (default: the preset's): digits, cifar10, cifar100, mnist, fashion-mnist"},
		&cli.Int64Flag{Name: "seed", EnvVars: []string{"EVO_SEED"}, Usage: "experiment seed (default 1)"},
		&cli.IntFlag{Name: "population", EnvVars: []string{"EVO_POPULATION"}, Usage: "population set-point P"},
		&cli.StringFlag{Name: "selection", EnvVars: []string{"EVO_SELECTION"},
			Usage: "tournament (the paper), aging (Real et al. 2019) or random (random-search control)"},
		&cli.IntFlag{Name: "tournament-size", EnvVars: []string{"EVO_TOURNAMENT_SIZE"}, Usage: "S for aging selection"},
		&cli.BoolFlag{Name: "no-inheritance", EnvVars: []string{"EVO_NO_INHERITANCE"},
			Usage: "the paper's control: children train from fresh weights"},
		&cli.IntFlag{Name: "mutations", EnvVars: []string{"EVO_MUTATIONS"}, Usage: "mutations per child"},
		&cli.IntFlag{Name: "steps", EnvVars: []string{"EVO_STEPS"}, Usage: "SGD steps per individual (paper: 25,600)"},
		&cli.IntFlag{Name: "batch-size", EnvVars: []string{"EVO_BATCH_SIZE"}, Usage: "training batch size (paper: 50)"},
		&cli.IntFlag{Name: "max-eval-examples", EnvVars: []string{"EVO_MAX_EVAL_EXAMPLES"},
			Usage: "validation examples per fitness evaluation (0 = all)"},
		&cli.Int64Flag{Name: "max-params", EnvVars: []string{"EVO_MAX_PARAMS"},
			Usage: "resource cap: children with more parameters fail (0 = none)"},
		&cli.IntFlag{Name: "max-individuals", EnvVars: []string{"EVO_MAX_INDIVIDUALS"},
			Usage: "budget: stop after this many individuals were trained"},
		&cli.Float64Flag{Name: "max-flops", EnvVars: []string{"EVO_MAX_FLOPS"},
			Usage: "budget: stop when the individuals built cost this many FLOPs"},
		&cli.DurationFlag{Name: "max-wall", EnvVars: []string{"EVO_MAX_WALL"},
			Usage: "budget: stop this long after the experiment started (e.g. 90m)"},
	}
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
func configFromFlags(c *cli.Context) (*experimentConfig, error) {
	cfg, err := preset(c.String("preset"))
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
		cfg.MaxWall = Duration(c.Duration("max-wall"))
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}
