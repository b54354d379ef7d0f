package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/node"
)

// admin runs herd admin …, writing the output of the commands that run against a
// node to out.
func admin(args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return usagef("admin: which command?")
	}
	if isHelp(args[0]) {
		fmt.Fprint(out, usage)
		return nil
	}
	switch args[0] {
	case "migrate", "cluster", "backup", "copy", "restore":
		return adminLocal(args)
	}
	cmd := adminCommand(args[0])
	if cmd == nil {
		fmt.Fprint(out, usage)
		return usagef("admin: unknown command %q", args[0])
	}
	return adminOnNode(args[0], cmd, args[1:], out)
}

// adminCommand returns the command named name that runs against a node, or nil.
func adminCommand(name string) *adminCmd {
	switch name {
	case "create-account":
		return createAccountCmd
	case "make-admin":
		return makeAdminCmd
	case "token":
		return tokenCmd
	case "emoji":
		return emojiCmd
	case "media":
		return mediaCmd
	case "account":
		return accountCmd
	case "domain":
		return domainCmd
	case "audit":
		return auditCmd
	case "email-block":
		return emailBlockCmd
	case "ip-block":
		return ipBlockCmd
	case "announcement":
		return announcementCmd
	case "webhook":
		return webhookCmd
	case "relay":
		return relayCmd
	case "relay-subscribers":
		return relaySubscribersCmd
	case "relay-allow":
		return relayAllowCmd
	case "dead-letters":
		return deadLettersCmd
	case "rule":
		return ruleCmd
	case "content-rule":
		return contentRuleCmd
	case "role":
		return roleCmd
	case "search":
		return searchCmd
	case "statuses":
		return statusesCmd
	case "settings":
		return settingsCmd
	}
	return nil
}

// adminLocal runs the commands that do not run inside a node: they prepare the
// engines (migrate), ask the ops endpoint something else (cluster, backup), or need
// the node stopped (copy, restore).
func adminLocal(args []string) error {
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	load := configFlags(fs)
	to := fs.String("to", "", "admin backup: a new directory to write the backup to; admin copy: the cluster's configuration file")
	leaveEvents := fs.Bool("leave-events", false, "admin copy: copy although consumer groups have not consumed every event, leaving those events behind")
	from := fs.String("from", "", "admin restore: the backup to restore into the data directory")
	if help, err := parseFlags(fs, args[1:]); help || err != nil {
		if err != nil {
			err = usageError{err}
		}
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch args[0] {
	case "migrate":
		return node.Migrate(ctx, cfg, logger())
	case "cluster":
		return adminCluster(ctx, cfg)
	case "backup":
		return adminBackup(ctx, cfg, *to)
	case "copy":
		return adminCopy(ctx, cfg, *to, *leaveEvents)
	}
	if *from == "" { // restore
		return usagef("admin restore: give --from DIR")
	}
	media := cfg.WithDefaults().Media
	dir := media.Dir
	if media.Store == node.MediaS3 {
		dir = ""
	}
	m, err := node.Restore(*from, cfg.Data, dir)
	if err == nil {
		fmt.Printf("restored the backup of %s taken %s into %s\n", m.Domain, m.Taken.Format(time.RFC3339), cfg.Data)
	}
	return err
}

var createAccountCmd = &adminCmd{
	usage: "Usage: herd admin create-account --username U --email E --password P [--admin]\n" +
		"  create a local account, confirmed and approved (--admin: with the Owner role)\n",
	flags: func(fs *flag.FlagSet) {
		fs.String("username", "", "username of the new account")
		fs.String("email", "", "email of the new account")
		fs.String("password", "", "password of the new account")
		fs.Bool("admin", false, "give the new account the Owner role")
	},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if len(c.args) != 0 {
			return usagef("admin create-account: no arguments but flags")
		}
		err := n.AdminCreateAccount(ctx, c.str("username"), c.str("email"), c.str("password"), c.on("admin"))
		if err == nil {
			fmt.Fprintf(c.out, "created @%s\n", c.str("username"))
		}
		return err
	},
}

var makeAdminCmd = &adminCmd{
	usage: "Usage: herd admin make-admin USERNAME\n  give a local account the Owner role\n",
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if len(c.args) != 1 {
			return usagef("admin make-admin: give one USERNAME")
		}
		return n.AdminMakeAdmin(ctx, c.args[0])
	},
}

var tokenCmd = &adminCmd{
	usage: "Usage: herd admin token [--scopes S] USERNAME\n  print an access token for a local account\n",
	flags: func(fs *flag.FlagSet) { fs.String("scopes", "read write follow push", "scopes of the token") },
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if len(c.args) != 1 {
			return usagef("admin token: give one USERNAME")
		}
		tok, err := n.AdminToken(ctx, c.args[0], c.str("scopes"))
		if err == nil {
			fmt.Fprintln(c.out, tok)
		}
		return err
	},
}

var emojiCmd = &adminCmd{
	usage: `Usage:
  herd admin emoji add [--category C] SHORTCODE FILE  add (or replace) a custom emoji (PNG, GIF or WebP under 256 KB)
  herd admin emoji list                               the custom emoji
  herd admin emoji disable|enable|remove SHORTCODE
`,
	verbs: []string{"add", "list", "disable", "enable", "remove"},
	flags: func(fs *flag.FlagSet) { fs.String("category", "", "add: the category of the emoji in the picker") },
	prepare: func(c *adminCall) error { // the node reads the file: give it the whole path
		if c.verb == "add" && len(c.args) == 2 {
			abs, err := filepath.Abs(c.args[1])
			c.args[1] = abs
			return err
		}
		return nil
	},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		switch {
		case c.verb == "add" && len(c.args) == 2:
			return n.AdminAddEmoji(ctx, c.args[0], c.args[1], c.str("category"))
		case c.verb == "list" && len(c.args) == 0:
			list, err := n.AdminEmoji(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SHORTCODE\tCATEGORY\tENABLED\tUPDATED")
			for _, e := range list {
				fmt.Fprintf(w, "%s\t%s\t%v\t%s\n", e.Shortcode, e.Category, !e.Disabled, e.UpdatedAt.Format(time.RFC3339))
			}
			return w.Flush()
		case len(c.args) == 1 && c.verb != "add" && c.verb != "list":
			return n.AdminSetEmoji(ctx, c.args[0], c.verb == "enable", c.verb == "remove")
		}
		return usagef("admin emoji %s: wrong arguments %q", c.verb, strings.Join(c.args, " "))
	},
}

var mediaCmd = &adminCmd{
	usage: `Usage:
  herd admin media prune [--days N]  remove the cached files of remote media cached more than N days ago
  herd admin media prune --prune-profiles [--days N] [--include-follows]
                                     remove instead the cached avatars and headers of remote accounts
                                     whose actor was fetched more than N days ago, and that follow no
                                     one here and whom no one here follows (--include-follows: all)
  herd admin media prune --remove-headers [--days N] [--include-follows]
                                     the same, for the headers alone
  herd admin media usage             the files and bytes of the media store, by kind
`,
	verbs: []string{"prune", "usage"},
	flags: func(fs *flag.FlagSet) {
		fs.Int("days", 7, "prune: remove remote media files cached more than this many days ago")
		fs.Bool("prune-profiles", false, "prune: remove remote accounts' cached avatars and headers instead")
		fs.Bool("remove-headers", false, "prune: remove remote accounts' cached headers instead")
		fs.Bool("include-follows", false, "prune: with --prune-profiles or --remove-headers, accounts with follows here too")
	},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if len(c.args) != 0 {
			return usagef("admin media %s: no arguments but flags", c.verb)
		}
		if c.verb == "usage" {
			return mediaUsage(ctx, n, c.out)
		}
		days := c.num("days")
		if days < 0 {
			return usagef("admin media prune: --days must not be negative")
		}
		if c.on("prune-profiles") || c.on("remove-headers") || c.on("include-follows") {
			return pruneProfiles(ctx, n, c, time.Duration(days)*24*time.Hour)
		}
		k, err := n.Media.PruneCache(ctx, time.Duration(days)*24*time.Hour)
		if err == nil {
			fmt.Fprintf(c.out, "removed the cached files of %d remote attachments\n", k)
		}
		return err
	},
}

// pruneProfiles removes remote accounts' cached pictures, as tootctl's `media remove
// --prune-profiles` (or --remove-headers), with its refusals of flags given together.
func pruneProfiles(ctx context.Context, n *node.Node, c *adminCall, age time.Duration) error {
	profiles, headers := c.on("prune-profiles"), c.on("remove-headers")
	switch {
	case profiles && headers:
		return usagef("admin media prune: --prune-profiles and --remove-headers should not be specified simultaneously")
	case !profiles && !headers:
		return usagef("admin media prune: --include-follows can only be used with --prune-profiles or --remove-headers")
	}
	res, err := n.AdminPruneProfiles(ctx, node.ProfilePrune{Age: age, HeadersOnly: headers, IncludeFollows: c.on("include-follows")})
	if err == nil {
		fmt.Fprintf(c.out, "removed %d cached pictures of %d remote accounts\n", res.Pictures, res.Visited)
	}
	return err
}

// mediaUsage prints the media store's files and bytes by kind.
func mediaUsage(ctx context.Context, n *node.Node, out io.Writer) error {
	usage, err := n.AdminMediaUsage(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "KIND\tFILES\tBYTES\t")
	var files, bytes int64
	for _, u := range usage {
		fmt.Fprintf(w, "%s\t%d\t%d\t\n", u.Kind, u.Files, u.Bytes)
		files, bytes = files+u.Files, bytes+u.Bytes
	}
	fmt.Fprintf(w, "total\t%d\t%d\t\n", files, bytes)
	return w.Flush()
}

// adminCluster prints the members a running node sees, asking its ops endpoint (the
// configuration's ops, or --ops HOST:PORT).
func adminCluster(ctx context.Context, cfg node.Config) error {
	addr := cfg.Ops
	if !cfg.Clustered() {
		return errors.New("admin cluster: the configuration is not clustered (bus = \"kafka\")")
	}
	if addr == "off" {
		return errors.New("admin cluster: ops is off; give --ops HOST:PORT")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := node.FetchClusterView(ctx, &http.Client{Timeout: 10 * time.Second}, addr, "")
	if err != nil {
		return fmt.Errorf("admin cluster: %w", err)
	}
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NODE\tNAME\tSTATE\tSINCE\tHTTP\tGOSSIP\tROLES\tVERSION")
	for _, m := range v.Members {
		name := m.Name
		if m.Self {
			name += " (self)"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.NodeID, name, m.State,
			m.Since.Local().Format(time.DateTime), m.HTTP, m.Gossip, strings.Join(m.Roles, ","), m.Version)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	s := v.Streaming
	fmt.Printf("streaming events: %d forwarded, %d received, %d dropped, %d failed\n",
		s.Forwarded, s.Received, s.Dropped, s.Failed)
	return nil
}

// adminBackup asks the running node, through its ops endpoint, to write a backup to
// dir; when no node answers there, it opens the data directory itself.
func adminBackup(ctx context.Context, cfg node.Config, dir string) error {
	if dir == "" {
		return errors.New("admin backup: give --to DIR, a new directory")
	}
	abs, err := filepath.Abs(dir) // the node may run in another working directory
	if err != nil {
		return err
	}
	if cfg.Ops != "off" {
		m, err := node.RequestBackup(ctx, &http.Client{Timeout: 10 * time.Minute}, cfg.Ops, abs)
		if err == nil {
			fmt.Printf("the node at %s wrote its backup of %s to %s\n", cfg.Ops, m.Domain, abs)
			return nil
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("admin backup: %w", err)
		}
	}
	n, err := node.Open(cfg, logger()) // no node runs: the data directory is free
	if err != nil {
		return err
	}
	defer n.Close()
	m, err := n.Backup(ctx, abs)
	if err == nil {
		fmt.Printf("wrote the backup of %s to %s\n", m.Domain, abs)
	}
	return err
}
