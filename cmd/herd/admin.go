package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/node"
)

func admin(args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return errors.New("admin: which command?")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
		return nil
	case "dead-letters":
		return adminDeadLetters(args[1:])
	case "rule", "content-rule":
		return adminRules(args[1:], args[0] == "content-rule")
	case "role":
		return adminRoles(args[1:])
	}
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	load := configFlags(fs)
	username := fs.String("username", "", "username of the new account")
	email := fs.String("email", "", "email of the new account")
	password := fs.String("password", "", "password of the new account")
	makeAdmin := fs.Bool("admin", false, "give the new account the Owner role")
	scopes := fs.String("scopes", "read write follow push", "scopes of the token")
	to := fs.String("to", "", "admin backup: a new directory to write the backup to; admin copy: the cluster's configuration file")
	leaveEvents := fs.Bool("leave-events", false, "admin copy: copy although consumer groups have not consumed every event, leaving those events behind")
	from := fs.String("from", "", "admin restore: the backup to restore into the data directory")
	category := fs.String("category", "", "admin emoji add: the category of the emoji in the picker")
	severity := fs.String("severity", "silence", "admin domain block: silence, suspend or noop")
	text := fs.String("text", "", "admin account: a note kept in the audit log; admin domain block: the public comment")
	limit := fs.Int("limit", 40, "admin audit: how many entries, newest first")
	days := fs.Int("days", 7, "admin media prune: remove remote media files cached more than this many days ago")
	if help, err := parseFlags(fs, args[1:]); help || err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch args[0] { // the commands that do not open a node
	case "migrate":
		return node.Migrate(ctx, cfg, logger())
	case "cluster":
		return adminCluster(ctx, cfg)
	case "backup":
		return adminBackup(ctx, cfg, *to)
	case "copy":
		return adminCopy(ctx, cfg, *to, *leaveEvents)
	case "restore":
		if *from == "" {
			return errors.New("admin restore: give --from DIR")
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
	case "search":
		return adminSearch(ctx, cfg, fs.Args())
	}
	n, err := node.Open(cfg, logger())
	if err != nil {
		return err
	}
	defer n.Close()
	switch args[0] {
	case "create-account":
		return n.AdminCreateAccount(ctx, *username, *email, *password, *makeAdmin)
	case "make-admin":
		if fs.NArg() != 1 {
			return errors.New("admin make-admin: give one USERNAME")
		}
		return n.AdminMakeAdmin(ctx, fs.Arg(0))
	case "token":
		if fs.NArg() != 1 {
			return errors.New("admin token: give one USERNAME")
		}
		tok, err := n.AdminToken(ctx, fs.Arg(0), *scopes)
		if err != nil {
			return err
		}
		fmt.Println(tok)
		return nil
	case "emoji":
		return adminEmoji(ctx, n, fs.Args(), *category)
	case "media":
		if fs.NArg() != 1 || fs.Arg(0) != "prune" || *days < 0 {
			return errors.New("admin media: [--days N] prune")
		}
		k, err := n.Media.PruneCache(ctx, time.Duration(*days)*24*time.Hour)
		if err == nil {
			fmt.Printf("removed the cached files of %d remote attachments\n", k)
		}
		return err
	case "account":
		return adminAccount(ctx, n, fs.Args(), *text)
	case "domain":
		return adminDomain(ctx, n, fs.Args(), *severity, *text)
	case "audit":
		return adminAudit(ctx, n, *limit)
	case "announcement":
		return adminAnnouncement(ctx, n, fs.Args())
	case "webhook":
		return adminWebhook(ctx, n, fs.Args())
	case "relay":
		return adminRelay(ctx, n, fs.Args())
	case "relay-subscribers":
		return adminRelaySubscribers(ctx, n, fs.Args())
	}
	return fmt.Errorf("admin: unknown command %q", args[0])
}

// adminEmoji runs herd admin emoji add|list|disable|enable|remove.
func adminEmoji(ctx context.Context, n *node.Node, args []string, category string) error {
	if len(args) == 0 {
		return errors.New("admin emoji: add, list, disable, enable or remove?")
	}
	switch {
	case args[0] == "add" && len(args) == 3:
		return n.AdminAddEmoji(ctx, args[1], args[2], category)
	case args[0] == "list" && len(args) == 1:
		list, err := n.AdminEmoji(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "SHORTCODE\tCATEGORY\tENABLED\tUPDATED")
		for _, e := range list {
			fmt.Fprintf(w, "%s\t%s\t%v\t%s\n", e.Shortcode, e.Category, !e.Disabled, e.UpdatedAt.Format(time.RFC3339))
		}
		return w.Flush()
	case len(args) == 2 && (args[0] == "disable" || args[0] == "enable" || args[0] == "remove"):
		return n.AdminSetEmoji(ctx, args[1], args[0] == "enable", args[0] == "remove")
	}
	return fmt.Errorf("admin emoji: unknown use %q", strings.Join(args, " "))
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
