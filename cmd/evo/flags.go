package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/settings"
	"evo/storage"
	"evo/train/data"
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
		Usage: "CPU threads per worker (GOMAXPROCS)", DefaultText: "0, all cores",
	}
	nameFlag = &cli.StringFlag{
		Name: "name", EnvVars: []string{"EVO_WORKER_NAME"},
		Usage: "worker name, unique across the cluster (default: host-pid-random)",
	}
)

// initDataFlag is `evo init --data`: unlike the --data of other commands it is recorded in
// experiment.json, so it must name a directory every worker sees at the same path.
var initDataFlag = &cli.PathFlag{
	Name: "data", EnvVars: []string{"EVO_INIT_DATA"},
	Usage: "data root staged with `evo data` on shared storage, recorded in experiment.json: workers read it and never download",
}

// maxGraveyardFlag is the graveyard cap of `evo gc` and of the collector `evo run` runs.
var maxGraveyardFlag = &cli.Int64Flag{Name: "max-graveyard-bytes", EnvVars: []string{"EVO_GC_MAX_GRAVEYARD_BYTES"},
	Usage: fmt.Sprintf("cap on the graveyard's bytes: beyond it the oldest graves go before their grace, "+
		"never one younger than %v", storage.MinGraveGrace), DefaultText: "0, no cap"}

// splitFlag names the data split `evo eval` and `evo ensemble` score on.
func splitFlag() cli.Flag {
	return &cli.StringFlag{Name: "split", Aliases: []string{"s"}, Value: "test", EnvVars: []string{"EVO_SPLIT"},
		Usage: "test, val or train"}
}

// commandFlags is every command's flags, by command: the one table of evo's flags and their
// EVO_* variables. A flag used by several commands is a variable above. The table is built
// afresh for each app, so that in-process tests do not share flag state.
func commandFlags() map[string][]cli.Flag {
	return map[string][]cli.Flag{
		"run": {
			dirFlag, dataFlag, downloadFlag, logLevelFlag, jsonFlag,
			&cli.IntFlag{Name: "workers", Aliases: []string{"n"}, Value: runtime.NumCPU(), EnvVars: []string{"EVO_WORKERS"},
				Usage: "worker processes on this machine"},
			&cli.IntFlag{Name: "threads", Value: 1, EnvVars: []string{"EVO_RUN_THREADS", "EVO_THREADS"},
				Usage: "CPU threads per worker (several single-threaded workers use cores best)"},
			&cli.DurationFlag{Name: "gc-every", Value: 30 * time.Second, EnvVars: []string{"EVO_RUN_GC_EVERY", "EVO_GC_EVERY"},
				Usage: "interval of the garbage collector run alongside the workers"},
			maxGraveyardFlag,
			// and configFlags()
		},
		"init": {
			dirFlag, logLevelFlag, initDataFlag,
			// and configFlags()
		},
		"worker": {
			dirFlag, dataFlag, downloadFlag, nameFlag, threadsFlag, logLevelFlag,
			&cli.TimestampFlag{Name: "wall-start", Layout: time.RFC3339Nano, EnvVars: []string{"EVO_WALL_START"}, Hidden: true,
				Usage: "when the wall-time budget of this run started (set by evo run for its workers; default: now)"},
			&cli.DurationFlag{Name: "control-poll", EnvVars: []string{"EVO_CONTROL_POLL"}, Hidden: true,
				Usage: "how often control.json is read while a child trains, besides fsnotify (0 = 2s)"},
		},
		"gc": {
			dirFlag, jsonFlag, logLevelFlag, maxGraveyardFlag,
			&cli.DurationFlag{Name: "grace", Value: storage.DefaultGrace, EnvVars: []string{"EVO_GC_GRACE"},
				Usage: "minimum age of a killed individual before removal (covers NFS attribute caches and slow readers)"},
			&cli.DurationFlag{Name: "stale-staging", Value: storage.DefaultStaleStaging, EnvVars: []string{"EVO_GC_STALE_STAGING"},
				Usage: "how long a worker's heartbeat must be watched unchanged before its leftovers are removed"},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, EnvVars: []string{"EVO_GC_DRY_RUN"}, Usage: "print the plan, remove nothing"},
			&cli.BoolFlag{Name: "loop", EnvVars: []string{"EVO_GC_LOOP"}, Usage: "keep collecting until interrupted"},
			&cli.DurationFlag{Name: "every", Value: time.Minute, EnvVars: []string{"EVO_GC_EVERY"}, Usage: "interval of --loop"},
			&cli.BoolFlag{Name: "reindex", EnvVars: []string{"EVO_GC_REINDEX"}, Usage: "rewrite the history index even if it is recent"},
		},
		"status": {
			dirFlag, jsonFlag, logLevelFlag,
			&cli.BoolFlag{Name: "watch", Aliases: []string{"w"}, EnvVars: []string{"EVO_WATCH"}, Usage: "refresh until interrupted"},
			&cli.DurationFlag{Name: "every", Value: 5 * time.Second, EnvVars: []string{"EVO_WATCH_EVERY"},
				Usage: "refresh interval of --watch (a change on this host refreshes at once, at most every second)"},
		},
		"list": {
			dirFlag, jsonFlag, logLevelFlag,
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, EnvVars: []string{"EVO_LIST_ALL"}, Usage: "include dead individuals from the history"},
			&cli.IntFlag{Name: "limit", Aliases: []string{"n"}, EnvVars: []string{"EVO_LIST_LIMIT"}, Usage: "print at most this many", DefaultText: "0, all"},
		},
		"show": {
			dirFlag, jsonFlag, logLevelFlag,
			&cli.BoolFlag{Name: "genome", EnvVars: []string{"EVO_SHOW_GENOME"}, Usage: "print the genome (genome.json) and nothing else"},
		},
		"lineage": {
			dirFlag, jsonFlag, logLevelFlag,
			&cli.BoolFlag{Name: "dot", EnvVars: []string{"EVO_LINEAGE_DOT"}, Usage: "print a Graphviz DOT digraph of the chain"},
		},
		"plot": {
			dirFlag, logLevelFlag,
			&cli.PathFlag{Name: "output", Aliases: []string{"o"}, Value: "evo-plot.png", EnvVars: []string{"EVO_PLOT_OUTPUT"}, Usage: "output file, .png or .svg"},
			&cli.StringFlag{Name: "title", EnvVars: []string{"EVO_PLOT_TITLE"}, Usage: "plot title", DefaultText: "the experiment's name and data set"},
		},
		"draw": {
			dirFlag, logLevelFlag,
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "svg", EnvVars: []string{"EVO_DRAW_FORMAT"}, Usage: "svg or dot"},
			&cli.PathFlag{Name: "output", Aliases: []string{"o"}, EnvVars: []string{"EVO_DRAW_OUTPUT"}, Usage: "write to this file instead of stdout"},
		},
		"eval": {
			dirFlag, jsonFlag, dataFlag, downloadFlag, logLevelFlag, splitFlag(),
		},
		"ensemble": {
			dirFlag, jsonFlag, dataFlag, downloadFlag, logLevelFlag, splitFlag(),
			&cli.IntFlag{Name: "top", Aliases: []string{"k"}, Value: 5, EnvVars: []string{"EVO_ENSEMBLE_TOP"}, Usage: "number of members K"},
		},
		"check": {
			dirFlag, jsonFlag, logLevelFlag,
			&cli.BoolFlag{Name: "repair", EnvVars: []string{"EVO_REPAIR"}, Usage: "move bad entries to quarantine/"},
		},
		"export": {
			dirFlag, dataFlag, logLevelFlag,
			&cli.PathFlag{Name: "output", Aliases: []string{"o"}, EnvVars: []string{"EVO_EXPORT_OUTPUT"}, Usage: "directory to write (--format dir), or the .onnx file (--format onnx)",
				DefaultText: "evo-export-ID, or evo-ID.onnx"},
			&cli.BoolFlag{Name: "npy", EnvVars: []string{"EVO_EXPORT_NPY"}, Usage: "also write one .npy file per tensor and an index.json"},
			&cli.StringFlag{Name: "format", Value: "dir", EnvVars: []string{"EVO_EXPORT_FORMAT"}, Usage: "dir (files in open formats) or onnx (one ONNX model file)"},
			&cli.BoolFlag{Name: "no-normalise", EnvVars: []string{"EVO_EXPORT_NO_NORMALISE"}, Usage: "onnx: leave the input normalisation out of the graph (the model takes normalised inputs)"},
		},
		"control": {
			dirFlag, jsonFlag, logLevelFlag,
			&cli.IntFlag{Name: "mutations", EnvVars: []string{"EVO_CONTROL_MUTATIONS"}, Usage: "mutations per child", DefaultText: "0, the experiment's setting"},
			&cli.BoolFlag{Name: "reset-weights", EnvVars: []string{"EVO_CONTROL_RESET_WEIGHTS"}, Usage: "reset the weights of the population: start a new reset epoch; every individual alive now is retrained from fresh weights"},
			&cli.BoolFlag{Name: "stop", EnvVars: []string{"EVO_CONTROL_STOP"}, Usage: "ask every worker to stop"},
			&cli.BoolFlag{Name: "resume", EnvVars: []string{"EVO_CONTROL_RESUME"}, Usage: "clear a stop request so that workers may run again"},
			&cli.IntFlag{Name: "max-individuals", EnvVars: []string{"EVO_CONTROL_MAX_INDIVIDUALS"}, Usage: "budget: individuals trained by the experiment in all (0 = no limit)", DefaultText: "unchanged"},
			&cli.Float64Flag{Name: "max-flops", EnvVars: []string{"EVO_CONTROL_MAX_FLOPS"}, Usage: "budget: FLOPs spent by the experiment in all (0 = no limit)", DefaultText: "unchanged"},
			&cli.DurationFlag{Name: "max-wall", EnvVars: []string{"EVO_CONTROL_MAX_WALL"}, Usage: "budget: wall time of each run of evo run or evo worker (0 = no limit)", DefaultText: "unchanged"},
			&cli.BoolFlag{Name: "budgets-from-experiment", EnvVars: []string{"EVO_CONTROL_BUDGETS_FROM_EXPERIMENT"}, Usage: "drop the budgets set here: experiment.json's apply again"},
		},
		"compare": {
			jsonFlag, logLevelFlag,
			&cli.StringSliceFlag{Name: "label", EnvVars: []string{"EVO_COMPARE_LABEL"}, Usage: "label of each DIR, in order (overrides the arm)"},
			&cli.PathFlag{Name: "output", Aliases: []string{"o"}, Value: "evo-compare.png", EnvVars: []string{"EVO_COMPARE_OUTPUT"}, Usage: "BASE.png or BASE.svg: writes BASE-flops and BASE-wall; empty: no plot"},
			&cli.StringFlag{Name: "title", EnvVars: []string{"EVO_COMPARE_TITLE"}, Usage: "plot title prefix", DefaultText: "the data set"},
			&cli.IntFlag{Name: "points", Value: 100, EnvVars: []string{"EVO_COMPARE_POINTS"}, Usage: "samples per curve"},
		},
		"stats": {
			dirFlag, jsonFlag, logLevelFlag,
		},
		"data": {
			&cli.PathFlag{Name: "data", Required: true, EnvVars: []string{"EVO_DATA"}, Usage: "data root to fill (shared storage)"},
			&cli.StringFlag{Name: "dataset", Value: "cifar10", EnvVars: []string{"EVO_DATASET"},
				Usage: "data set: " + strings.Join(data.Names(), ", ")},
			logLevelFlag,
		},
	}
}

// deprecatedEnv warns on w when the environment sets old, a name flag still reads, and not
// new, the name that replaced it.
func deprecatedEnv(w io.Writer, old, new, flag string) {
	if os.Getenv(new) == "" && os.Getenv(old) != "" {
		fmt.Fprintf(w, "evo: %s for %s is deprecated: set %s instead\n", old, flag, new)
	}
}

// flagsOf returns the flags of command name (with the config flags for run and init).
func flagsOf(name string) []cli.Flag {
	flags, ok := commandFlags()[name]
	if !ok {
		panic("evo: no flags for command " + name)
	}
	if name == "run" || name == "init" {
		flags = append(append([]cli.Flag(nil), flags...), configFlags()...)
	}
	return flags
}

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
			Usage: "starting settings: " + strings.Join(settings.PresetNames(), ", ")},
		&cli.StringFlag{Name: "dataset", EnvVars: []string{"EVO_DATASET"},
			Usage: "data set: digits, cifar10, cifar100, mnist, fashion-mnist", DefaultText: "the preset's"},
		&cli.Int64Flag{Name: "seed", EnvVars: []string{"EVO_SEED"}, Usage: "experiment seed", DefaultText: "1"},
		&cli.IntFlag{Name: "population", EnvVars: []string{"EVO_POPULATION"}, Usage: "population set-point P",
			DefaultText: settings.PerPreset(func(c settings.Config) string { return fmt.Sprint(c.Population) })},
		&cli.StringFlag{Name: "selection", EnvVars: []string{"EVO_SELECTION"},
			Usage:       "tournament (the paper), aging (Real et al. 2019) or random (random-search control)",
			DefaultText: settings.PerPreset(func(c settings.Config) string { return c.Selection })},
		&cli.IntFlag{Name: "tournament-size", EnvVars: []string{"EVO_TOURNAMENT_SIZE"},
			Usage: "S for aging selection (required with --selection aging)", DefaultText: "none"},
		&cli.BoolFlag{Name: "no-inheritance", EnvVars: []string{"EVO_NO_INHERITANCE"},
			Usage: "the paper's control: children train from fresh weights"},
		&cli.IntFlag{Name: "mutations", EnvVars: []string{"EVO_MUTATIONS"}, Usage: "mutations per child",
			DefaultText: settings.PerPreset(func(c settings.Config) string { return fmt.Sprint(c.MutationsPerChild) })},
		&cli.IntFlag{Name: "steps", EnvVars: []string{"EVO_STEPS"}, Usage: "SGD steps per individual (paper: 25,600)",
			DefaultText: settings.PerPreset(func(c settings.Config) string { return fmt.Sprint(c.Steps) })},
		&cli.IntFlag{Name: "batch-size", EnvVars: []string{"EVO_BATCH_SIZE"}, Usage: "training batch size (paper: 50)",
			DefaultText: settings.PerPreset(func(c settings.Config) string { return fmt.Sprint(c.BatchSize) })},
		&cli.IntFlag{Name: "max-eval-examples", EnvVars: []string{"EVO_MAX_EVAL_EXAMPLES"},
			Usage: "validation examples per fitness evaluation (0 = all)",
			DefaultText: settings.PerPreset(func(c settings.Config) string {
				if c.MaxEvalExamples == 0 {
					return "all"
				}
				return fmt.Sprint(c.MaxEvalExamples)
			})},
		&cli.Int64Flag{Name: "max-params", EnvVars: []string{"EVO_MAX_PARAMS"},
			Usage:       "resource cap: children with more parameters fail (0 = none)",
			DefaultText: settings.PerPreset(func(c settings.Config) string { return count(int(c.MaxParams)) })},
		&cli.IntFlag{Name: "max-individuals", EnvVars: []string{"EVO_MAX_INDIVIDUALS"},
			Usage:       "budget: stop once the experiment has trained this many individuals in all (0 = no limit; evo control --max-individuals changes it later)",
			DefaultText: settings.PerPreset(func(c settings.Config) string { return count(c.MaxIndividuals) })},
		&cli.Float64Flag{Name: "max-flops", EnvVars: []string{"EVO_MAX_FLOPS"},
			Usage: "budget: stop once the individuals built cost this many FLOPs in all (0 = no limit; evo control --max-flops changes it later)",
			DefaultText: settings.PerPreset(func(c settings.Config) string {
				if c.MaxFLOPs == 0 {
					return "none"
				}
				return fmt.Sprintf("%g", c.MaxFLOPs)
			})},
		&cli.DurationFlag{Name: "max-wall", EnvVars: []string{"EVO_MAX_WALL"},
			Usage: "budget: wall time of each run of evo run or evo worker (e.g. 90m; counted per run, so running again continues; 0 = no limit; evo control --max-wall changes it later)",
			DefaultText: settings.PerPreset(func(c settings.Config) string {
				if c.MaxWall == 0 {
					return "none"
				}
				return time.Duration(c.MaxWall).String()
			})},
	}
}

// configFromFlags builds an experiment config from --preset and the override flags.
func configFromFlags(c *cli.Context) (*settings.Config, error) {
	cfg, err := settings.Preset(c.String("preset"))
	if err != nil {
		return nil, err
	}
	for name, field := range cfg.Overridable() {
		if !c.IsSet(name) {
			continue
		}
		switch p := field.(type) {
		case *int:
			*p = c.Int(name)
		case *int64:
			*p = c.Int64(name)
		case *string:
			*p = c.String(name)
		case *float64:
			*p = c.Float64(name)
		case *settings.Duration:
			*p = settings.Duration(c.Duration(name))
		default:
			panic(fmt.Sprintf("evo: --%s sets a %T", name, field))
		}
	}
	if c.IsSet("no-inheritance") {
		cfg.InheritWeights = !c.Bool("no-inheritance")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}
