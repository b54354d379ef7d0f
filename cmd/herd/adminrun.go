package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/herd-social/herd/node"
)

// The admin commands that work on a node's engines run where the node is: the
// command line first sends them to the ops endpoint of the node serving the
// configuration (node.RequestAdmin), which runs the same adminCmd against its open
// engines; when no node answers there it opens the data directory (or the cluster's
// engines) itself. Either way the command writes to one io.Writer.

// adminCmd is one `herd admin` command.
type adminCmd struct {
	// usage is the help text (--help).
	usage string
	// verbs, if any, are the subcommands; the first argument, before or after the
	// flags, names one.
	verbs []string
	// flags registers the command's own flags.
	flags func(fs *flag.FlagSet)
	// prepare, if set, checks or completes the arguments on the command line before
	// they are sent (a file's path made absolute).
	prepare func(c *adminCall) error
	run     func(ctx context.Context, n *node.Node, c *adminCall) error
	// offline, if set, runs the command when no node answers, in place of opening
	// the engines and calling run.
	offline func(ctx context.Context, cfg node.Config, c *adminCall) error
}

// adminCall is a parsed command line.
type adminCall struct {
	name, verb string
	fs         *flag.FlagSet
	args       []string // the positional arguments after the verb
	out        io.Writer
	config     map[string]bool // the configuration flags' names, not sent to a node
}

// set returns the command's flags the command line set, by name.
func (c *adminCall) set() map[string]string {
	m := map[string]string{}
	c.fs.Visit(func(f *flag.Flag) {
		if !c.config[f.Name] {
			m[f.Name] = f.Value.String()
		}
	})
	return m
}

// str, num and on read the command's flags.
func (c *adminCall) str(name string) string { return c.fs.Lookup(name).Value.String() }
func (c *adminCall) on(name string) bool    { return c.fs.Lookup(name).Value.String() == "true" }
func (c *adminCall) num(name string) int {
	return c.fs.Lookup(name).Value.(flag.Getter).Get().(int)
}

// wire is the call as it is sent to a node: the name, the verb, the command's own
// flags (never the configuration's, which may hold secrets), then the arguments.
func (c *adminCall) wire() []string {
	w := []string{c.name}
	if c.verb != "" {
		w = append(w, c.verb)
	}
	set := c.set()
	for _, k := range slices.Sorted(maps.Keys(set)) {
		w = append(w, "--"+k+"="+set[k])
	}
	return append(append(w, "--"), c.args...)
}

// usageError is a command line that cannot run: exit status 2.
type usageError struct{ error }

func (usageError) ExitCode() int { return 2 }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitError is the failure of a command a node ran.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }
func (e exitError) ExitCode() int { return e.code }

// exitCode is the process's exit status for err: 0, 2 for a wrong command line, 1
// otherwise.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var c interface{ ExitCode() int }
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	return 1
}

func isHelp(s string) bool { return slices.Contains([]string{"-h", "-help", "--help", "help"}, s) }

// parseAdmin parses the arguments after the command's name; a nil call with a nil
// error means the help was printed (to out).
func parseAdmin(name string, cmd *adminCmd, args []string, out io.Writer) (*adminCall, func() (node.Config, error), error) {
	c := &adminCall{name: name, out: out, config: map[string]bool{}}
	c.fs = flag.NewFlagSet("admin "+name, flag.ContinueOnError)
	c.fs.SetOutput(out)
	load := configFlags(c.fs)
	c.fs.VisitAll(func(f *flag.Flag) { c.config[f.Name] = true })
	if cmd.flags != nil {
		cmd.flags(c.fs)
	}
	c.fs.Usage = func() { printAdminHelp(c, cmd) }
	if len(args) > 0 && isHelp(args[0]) {
		printAdminHelp(c, cmd)
		return nil, nil, nil
	}
	if len(args) > 0 && slices.Contains(cmd.verbs, args[0]) {
		c.verb, args = args[0], args[1:]
	}
	if err := c.fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, usageError{err}
	}
	c.args = c.fs.Args()
	if c.verb == "" && len(cmd.verbs) > 0 {
		if len(c.args) == 0 || !slices.Contains(cmd.verbs, c.args[0]) {
			fmt.Fprint(out, cmd.usage)
			return nil, nil, usagef("admin %s: %s?", name, strings.Join(cmd.verbs, ", "))
		}
		c.verb, c.args = c.args[0], c.args[1:]
	}
	return c, load, nil
}

// printAdminHelp prints the command's help and its own flags; the configuration
// flags are listed by herd config keys.
func printAdminHelp(c *adminCall, cmd *adminCmd) {
	fmt.Fprint(c.out, cmd.usage)
	first := true
	c.fs.VisitAll(func(f *flag.Flag) {
		if c.config[f.Name] {
			return
		}
		if first {
			fmt.Fprintln(c.out, "\nFlags:")
			first = false
		}
		fmt.Fprintf(c.out, "  --%s\t%s (default %q)\n", f.Name, f.Usage, f.DefValue)
	})
	fmt.Fprintln(c.out, "\nThe configuration flags (herd config keys) find the node: the command runs in the node\n"+
		"serving it, through its ops endpoint, or opens its data directory when none answers.")
}

// adminOnNode runs `herd admin NAME …` from the command line: in the node that serves
// the configuration when its ops endpoint answers, else against the engines opened
// here.
func adminOnNode(name string, cmd *adminCmd, args []string, out io.Writer) error {
	c, load, err := parseAdmin(name, cmd, args, out)
	if c == nil || err != nil {
		return err
	}
	if cmd.prepare != nil {
		if err := cmd.prepare(c); err != nil {
			return err
		}
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.Ops != "off" {
		// no overall timeout: a command (a reindex, a cull) may run long; Ctrl-C stops it
		client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}}
		x, err := node.RequestAdmin(ctx, client, cfg.Ops, cfg.Domain, c.wire(), out)
		switch {
		case err == nil && x.Code == 0:
			return nil
		case err == nil:
			return exitError{x.Code, x.Err}
		case !errors.Is(err, syscall.ECONNREFUSED):
			return fmt.Errorf("admin %s: %w", name, err)
		}
	}
	if cmd.offline != nil {
		return cmd.offline(ctx, cfg, c)
	}
	n, err := node.Open(cfg, logger()) // no node answers: open its engines here
	if err != nil {
		return err
	}
	defer n.Close()
	return cmd.run(ctx, n, c)
}

// runAdminInNode is the node's AdminRunner: it runs a command the ops endpoint
// received (as adminCall.wire sent it) against n.
func runAdminInNode(ctx context.Context, n *node.Node, args []string, out io.Writer) error {
	cmd := adminCommand(args[0])
	if cmd == nil {
		return usagef("admin: unknown command %q", args[0])
	}
	c, _, err := parseAdmin(args[0], cmd, args[1:], out)
	if c == nil || err != nil {
		return err
	}
	return cmd.run(ctx, n, c)
}
