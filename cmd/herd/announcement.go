package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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

var announcementCmd = &adminCmd{
	usage: announcementUsage,
	verbs: []string{"add", "update", "list", "remove"},
	flags: func(fs *flag.FlagSet) {
		fs.String("text", "", "update: the new text")
		fs.String("starts", "", "when the event it announces starts")
		fs.String("ends", "", "when the event it announces ends")
		fs.Bool("all-day", false, "show the times as dates")
		fs.Bool("draft", false, "add: keep it unpublished")
		fs.Bool("publish", false, "update: publish it")
		fs.Bool("unpublish", false, "update: withdraw it")
		fs.String("publish-at", "", "publish from this time on")
	},
	run: adminAnnouncement,
}

// adminAnnouncement runs herd admin announcement add|update|list|remove.
func adminAnnouncement(ctx context.Context, n *node.Node, call *adminCall) error {
	out := call.out
	switch verb, pos := call.verb, call.args; {
	case verb == "list" && len(pos) == 0:
		return listAnnouncements(ctx, n, out)
	case verb == "remove" && len(pos) == 1:
		return n.AdminRemoveAnnouncement(ctx, pos[0])
	case verb == "add" || verb == "update":
		c, err := announcementFlags(call)
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
			return usagef("admin announcement %s: give one %s", verb, map[string]string{"add": "TEXT", "update": "ID"}[verb])
		}
		if err == nil {
			fmt.Fprintf(out, "announcement %s (published: %v)\n", a.ID, a.Published)
		}
		return err
	}
	return usagef("admin announcement %s: wrong arguments %q", call.verb, strings.Join(call.args, " "))
}

// announcementFlags reads the flags of add and update into a change.
func announcementFlags(call *adminCall) (announcement.Change, error) {
	var c announcement.Change
	set := call.set()
	text, allDay := call.str("text"), call.on("all-day")
	publish, unpublish, draft := call.on("publish"), call.on("unpublish"), call.on("draft")
	if _, ok := set["text"]; ok {
		c.Text = &text
	}
	if _, ok := set["all-day"]; ok {
		c.AllDay = &allDay
	}
	switch {
	case publish && (unpublish || draft):
		return c, usagef("admin announcement: --publish with --unpublish or --draft")
	case publish:
		c.Published = &publish
	case unpublish || draft:
		no := false
		c.Published = &no
	}
	for _, t := range []struct {
		name string
		dst  **time.Time
	}{{"starts", &c.StartsAt}, {"ends", &c.EndsAt}, {"publish-at", &c.PublishAt}} {
		raw, ok := set[t.name]
		if !ok {
			continue
		}
		v, err := parseWhen(raw)
		if err != nil {
			return c, usagef("admin announcement: --%s: %w", t.name, err)
		}
		*t.dst = &v
	}
	return c, nil
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
func listAnnouncements(ctx context.Context, n *node.Node, out io.Writer) error {
	list, err := n.AdminAnnouncements(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
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
