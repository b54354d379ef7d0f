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
	"strconv"
	"syscall"

	"github.com/BurntSushi/toml"

	"github.com/herd-social/herd/node"
)

const usage = `Herd: a Mastodon-compatible, ActivityPub-federated microblogging server.

Usage:
  herd serve [flags]                 run a node
  herd admin create-account [flags]  create a local account (--username, --email, --password, --admin)
  herd admin make-admin USERNAME     give a local account the admin role
  herd admin token USERNAME          print an access token for a local account (--scopes)
  herd admin migrate                 create the CQL keyspace and tables and the Kafka topics (cluster shape)
  herd admin cluster                 list the cluster's members and their state (asks the node's ops endpoint)
  herd admin dead-letters list|replay  list or replay the messages the consumers set aside (--help)
  herd bench run --target URL        load-test a server (loopback only unless --allow-remote)
  herd bench compare A.json B.json   compare two bench results
  herd version                       print the version

Common flags (also settable as HERD_LISTEN, HERD_DOMAIN, HERD_DATA, HERD_CONFIG):
  --config FILE   TOML configuration file (keys as in node.Config: listen, domain, data, …)
  --listen ADDR   HTTP address (default 127.0.0.1:8080)
  --domain NAME   domain in handles and URLs (default localhost:8080)
  --data DIR      data directory (default ./data)

The admin commands open the data directory directly: stop the node that uses it first.
In the cluster shape they open the shared engines, and running nodes may stay up.
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "herd:", err)
		os.Exit(1)
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
		return admin(args[1:])
	case "bench":
		return benchCmd(args[1:])
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

// configFlags registers the common flags on fs and returns a loader that builds the
// configuration: file first, then environment, then flags.
func configFlags(fs *flag.FlagSet) func() (node.Config, error) {
	file := fs.String("config", os.Getenv("HERD_CONFIG"), "TOML configuration file")
	listen := fs.String("listen", "", "HTTP address (HERD_LISTEN)")
	domain := fs.String("domain", "", "domain in handles and URLs (HERD_DOMAIN)")
	data := fs.String("data", "", "data directory (HERD_DATA)")
	fedHTTP := fs.Bool("federation-http", false, "federate with plain-http peers (HERD_FEDERATION_HTTP=true)")
	private := fs.Bool("allow-private-addresses", false, "let federation reach loopback and private addresses (HERD_ALLOW_PRIVATE_ADDRESSES=true)")
	extraCA := fs.String("extra-ca", "", "PEM file of extra trusted CAs for federation (HERD_EXTRA_CA)")
	return func() (node.Config, error) {
		var c node.Config
		if *file != "" {
			if _, err := toml.DecodeFile(*file, &c); err != nil {
				return c, fmt.Errorf("read config %s: %w", *file, err)
			}
		}
		if err := c.ApplyEnv(os.Getenv); err != nil { // HERD_NODE_ID, HERD_STORE, HERD_KAFKA_BROKERS, …
			return c, err
		}
		for _, o := range []struct {
			dst       *string
			env, flag string
		}{{&c.Listen, "HERD_LISTEN", *listen}, {&c.Domain, "HERD_DOMAIN", *domain}, {&c.Data, "HERD_DATA", *data}} {
			if v := os.Getenv(o.env); v != "" {
				*o.dst = v
			}
			if o.flag != "" {
				*o.dst = o.flag
			}
		}
		for _, o := range []struct {
			dst  *bool
			env  string
			flag bool
		}{{&c.FederationHTTP, "HERD_FEDERATION_HTTP", *fedHTTP}, {&c.AllowPrivateAddresses, "HERD_ALLOW_PRIVATE_ADDRESSES", *private}} {
			*o.dst = *o.dst || o.flag || os.Getenv(o.env) == "true"
		}
		if v := os.Getenv("HERD_EXTRA_CA"); v != "" {
			c.ExtraCA = v
		}
		if *extraCA != "" {
			c.ExtraCA = *extraCA
		}
		if v := os.Getenv("HERD_RATE_LIMIT"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return c, fmt.Errorf("HERD_RATE_LIMIT: %w", err)
			}
			c.RateLimit = n
		}
		return c.WithDefaults(), nil
	}
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
	if err := fs.Parse(args); err != nil {
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
