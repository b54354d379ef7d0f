// Command herd is the Herd server: `herd serve` runs a node, `herd admin …` holds the
// operator commands. It only parses flags and configuration and hands them to node.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/herd-social/herd/node"
)

const usage = `Herd: a Mastodon-compatible, ActivityPub-federated microblogging server.

Usage:
  herd serve [flags]                 run a node
  herd admin create-account [flags]  create a local account (--username, --email, --password, --admin: the Owner role)
  herd admin make-admin USERNAME     give a local account the Owner role
  herd admin token USERNAME          print an access token for a local account (--scopes)
  herd admin migrate                 create the CQL keyspace and tables and the Kafka topics (cluster shape)
  herd admin cluster                 list the cluster's members and their state (asks the node's ops endpoint)
  herd admin backup --to DIR         copy the store and the event log to a new directory, while the node runs
  herd admin restore --from DIR      put a backup in the data directory (stop the node, move the old data away)
  herd admin copy --to CLUSTER.toml  copy a stopped single-shape instance into the cluster's engines and verify it; run again to resume
  herd admin dead-letters list|replay  list or replay the messages the consumers set aside (--help)
  herd admin emoji add [--category C] SHORTCODE FILE  add (or replace) a custom emoji (PNG, GIF or WebP under 256 KB)
  herd admin emoji list|disable|enable|remove [SHORTCODE]  list or change the custom emoji
  herd admin media prune [--days N]  remove the cached files of remote media cached more than N days ago (default 7);
                                     --prune-profiles or --remove-headers [--include-follows]: remote accounts' avatars and headers
  herd admin media usage             the files and bytes of the media store: uploads, cached remote media, avatars, emoji
  herd admin account [--text T] ACTION HANDLE  suspend, unsuspend, silence, unsilence, disable, enable, sensitive,
                                     unsensitive, approve, reject (a pending sign-up), delete (a suspended account)
  herd admin domain block [--severity S] [--text T] DOMAIN  block a domain and its subdomains (S: silence, suspend, noop)
  herd admin domain unblock|list     lift a domain block, or list them
  herd admin domain purge [--dry-run] DOMAIN  remove every account of a domain and its subdomains, with what they wrote here
  herd admin statuses remove [--days N]  remove old remote statuses nothing here holds (--help)
  herd admin relay add URL|list|remove ID  subscribe to a relay (its inbox, or a LitePub relay's actor), list, unsubscribe
  herd admin relay-subscribers list|approve ID|reject ID|remove ID  the servers subscribed to this relay (relay.enabled)
  herd admin relay-allow add|list|remove [DOMAIN]  the domains that may subscribe to this relay (relay.allow_list)
  herd admin email-block add|list|remove [DOMAIN]  refuse sign-ups from an email domain
  herd admin ip-block add|list|remove [IP]  sign-up and access policies on address ranges (--help)
  herd admin audit                   the newest moderator actions (--limit)
  herd admin settings registrations [open|approval|closed|reset]  who may register, changed while the nodes run
  herd admin search reindex          rebuild the search indexes from the store, with progress; run again to resume
                                     (in a serving node; stopped, Bleve's indexes are emptied first: --help)
  herd admin announcement add|update|list|remove  the announcements every user sees (--help)
  herd admin rule list|add|update|remove  the server rules (--help)
  herd admin content-rule list|add|update|remove  the content rules and their hits (--help)
  herd admin role list|create|update|delete|assign  the staff roles and who holds them (--help)
  herd admin webhook add [--template T] URL EVENT...  register a webhook (prints its secret)
  herd admin webhook list|enable|disable|remove|rotate [ID]  list or change the webhooks
  herd config keys                   list every configuration key with its variable and flag
  herd config print [flags]          print the effective configuration as TOML (secrets masked)
  herd config check [flags]          check the configuration and exit
  herd bench run --target URL        load-test a server (loopback only unless --allow-remote)
  herd bench compare A.json B.json   compare two bench results
  herd version                       print the version

Every configuration key is a TOML key, a HERD_* variable and a flag alike
(herd config keys lists them); the flags override the variables, which override the
file. The most used:
  --config FILE   TOML configuration file (HERD_CONFIG)
  --listen ADDR   HTTP address (HERD_LISTEN; default 127.0.0.1:8080)
  --domain NAME   domain in handles and URLs (HERD_DOMAIN; default localhost:8080)
  --data DIR      data directory (HERD_DATA; default ./data)

Every admin command takes --help. The commands that work on the data (all but migrate,
cluster, backup, restore and copy) run in the node serving the configuration,
through its ops endpoint (ops), while it serves; when no node answers there they open
the data directory, or the cluster's engines, themselves. backup also asks the node
first; restore and copy need the node stopped. Exit status: 0 done,
1 failed, 2 a wrong command line.
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "herd:", msg)
		}
		os.Exit(exitCode(err))
	}
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return errors.New("no command")
	}
	switch args[0] {
	case "serve":
		return serve(args[1:])
	case "admin":
		return admin(args[1:], os.Stdout)
	case "bench":
		return benchCmd(args[1:])
	case "config":
		return configCmd(args[1:])
	case "version", "--version":
		fmt.Println(node.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Print(usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// configFlags registers --config and a flag for every configuration key on fs, and
// returns a loader that builds the configuration: the file, then the environment, then
// the flags (node.LoadConfig).
func configFlags(fs *flag.FlagSet) func() (node.Config, error) {
	file := fs.String("config", os.Getenv("HERD_CONFIG"), "TOML configuration file (HERD_CONFIG)")
	given := map[string]string{}
	for _, k := range node.Keys() {
		help := fmt.Sprintf("%s (%s; TOML %s)", k.Help, k.Env, k.Name)
		set := func(v string) error { given[k.Name] = v; return nil }
		if k.Bool {
			fs.BoolFunc(k.Flag, help, set)
		} else {
			fs.Func(k.Flag, help, set)
		}
	}
	return func() (node.Config, error) {
		return node.LoadConfig(node.Sources{File: *file, Getenv: os.Getenv, Flags: given})
	}
}

// parseFlags parses args; asking for help is not an error.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return true, nil
	}
	return false, err
}

func logger() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("HERD_LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if os.Getenv("HERD_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	load := configFlags(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	log := logger()
	n, err := node.Open(cfg, log)
	if err != nil {
		return err
	}
	n.SetAdminRunner(runAdminInNode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := n.Start(ctx); err != nil {
		n.Close()
		return err
	}
	fmt.Fprintf(os.Stderr, "Herd is serving %s://%s on http://%s\n", cfg.Scheme, cfg.Domain, n.Addr())
	<-ctx.Done()
	log.Info("herd: shutting down")
	return n.Close()
}
