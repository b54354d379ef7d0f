package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herd-social/herd/announcement"
	"github.com/herd-social/herd/node"
)

const announcementUsage = `herd admin announcement add [FLAGS] TEXT   publish an announcement to every user
herd admin announcement update [FLAGS] ID  change one (--text and the flags below)
herd admin announcement list               every announcement, listed or not
herd admin announcement remove ID
  FLAGS: --starts TIME --ends TIME (both or neither: the event it announces), --all-day,
         --draft (add unpublished) or --publish / --unpublish, --publish-at TIME;
         TIME is RFC 3339 (2026-05-01T18:00:00Z) or a date (2026-05-01)
`

// adminAnnouncement runs herd admin announcement add|update|list|remove.
func adminAnnouncement(ctx context.Context, n *node.Node, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, announcementUsage)
		return errors.New("admin announcement: add, update, list or remove?")
	}
	switch verb, rest := args[0], args[1:]; {
	case verb == "list" && len(rest) == 0:
		return listAnnouncements(ctx, n)
	case verb == "remove" && len(rest) == 1:
		return n.AdminRemoveAnnouncement(ctx, rest[0])
	case verb == "add" || verb == "update":
		c, pos, err := announcementFlags(verb, rest)
		if err != nil {
			return err
		}
		var a *announcement.Announcement
		switch {
		case verb == "add" && len(pos) == 1:
			c.Text = &pos[0]
			a, err = n.AdminAddAnnouncement(ctx, c)
		case verb == "update" && len(pos) == 1:
			a, err = n.AdminUpdateAnnouncement(ctx, pos[0], c)
		default:
			fmt.Fprint(os.Stderr, announcementUsage)
			return fmt.Errorf("admin announcement %s: give one %s", verb, map[string]string{"add": "TEXT", "update": "ID"}[verb])
		}
		if err == nil {
			fmt.Printf("announcement %s (published: %v)\n", a.ID, a.Published)
		}
		return err
	}
	fmt.Fprint(os.Stderr, announcementUsage)
	return errors.New("admin announcement: add, update, list or remove?")
}

// announcementFlags parses the flags of add and update into a change.
func announcementFlags(verb string, args []string) (announcement.Change, []string, error) {
	var c announcement.Change
	fs := flag.NewFlagSet("admin announcement "+verb, flag.ContinueOnError)
	text := fs.String("text", "", "update: the new text")
	starts := fs.String("starts", "", "when the event it announces starts")
	ends := fs.String("ends", "", "when the event it announces ends")
	allDay := fs.Bool("all-day", false, "show the times as dates")
	draft := fs.Bool("draft", false, "add: keep it unpublished")
	publish := fs.Bool("publish", false, "update: publish it")
	unpublish := fs.Bool("unpublish", false, "update: withdraw it")
	publishAt := fs.String("publish-at", "", "publish from this time on")
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["text"] {
		c.Text = text
	}
	if set["all-day"] {
		c.AllDay = allDay
	}
	switch {
	case *publish && (*unpublish || *draft):
		return c, nil, errors.New("admin announcement: --publish with --unpublish or --draft")
	case *publish:
		c.Published = publish
	case *unpublish || *draft:
		no := false
		c.Published = &no
	}
	for _, t := range []struct {
		name string
		raw  *string
		dst  **time.Time
	}{{"starts", starts, &c.StartsAt}, {"ends", ends, &c.EndsAt}, {"publish-at", publishAt, &c.PublishAt}} {
		if !set[t.name] {
			continue
		}
		v, err := parseWhen(*t.raw)
		if err != nil {
			return c, nil, fmt.Errorf("admin announcement: --%s: %w", t.name, err)
		}
		*t.dst = &v
	}
	return c, fs.Args(), nil
}

// parseWhen reads RFC 3339 or a date (midnight UTC); empty is the zero time.
func parseWhen(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// listAnnouncements prints every announcement.
func listAnnouncements(ctx context.Context, n *node.Node) error {
	list, err := n.AdminAnnouncements(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tLISTED\tPUBLISHED\tSTARTS\tENDS\tTEXT")
	for _, a := range list {
		txt := strings.ReplaceAll(a.Text, "\n", " ")
		if r := []rune(txt); len(r) > 60 {
			txt = string(r[:59]) + "…"
		}
		fmt.Fprintf(w, "%s\t%v\t%s\t%s\t%s\t%s\n", a.ID, a.Listed(now), when(a.Published, a.PublishedAt), when(true, a.StartsAt),
			when(true, a.EndsAt), txt)
	}
	return w.Flush()
}

func when(ok bool, t time.Time) string {
	if !ok || t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}
