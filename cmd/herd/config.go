package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/herd-social/herd/node"
)

// configCmd runs `herd config keys|print|check`.
func configCmd(args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return errors.New("config: which command? keys, print or check")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return nil
	case "keys":
		w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "TOML KEY\tENVIRONMENT\tFLAG\tMEANING")
		for _, k := range node.Keys() {
			fmt.Fprintf(w, "%s\t%s\t--%s\t%s\n", k.Name, k.Env, k.Flag, k.Help)
		}
		return w.Flush()
	case "print", "check":
	default:
		return fmt.Errorf("config: unknown command %q", args[0])
	}
	fs := flag.NewFlagSet("config "+args[0], flag.ContinueOnError)
	load := configFlags(fs)
	if help, err := parseFlags(fs, args[1:]); help || err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	if args[0] == "print" {
		fmt.Print(cfg.TOML(true))
		return nil
	}
	fmt.Fprintln(os.Stderr, "herd: the configuration is valid")
	return nil
}
