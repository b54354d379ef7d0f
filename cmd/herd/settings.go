package main

import (
	"context"
	"fmt"
	"io"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/settings"
)

const settingsUsage = `Usage:
  herd admin settings registrations                  who may register now, and whether the configuration says so
  herd admin settings registrations open|approval|closed  change it on every node at once, over the configuration
  herd admin settings registrations reset            the configuration's registrations hold again

open: anyone may register. approval: new accounts give a reason and wait for a
moderator. closed: only the holders of a usable invite register. tootctl's words
(approved, close) are taken too. The change is kept in the store: it outlasts
restarts and a new configuration until reset.
`

var settingsCmd = &adminCmd{
	usage: settingsUsage,
	verbs: []string{"registrations"},
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		if c.verb == "" {
			return usagef("admin settings: which setting? (registrations)")
		}
		return registrationsCommand(ctx, n.Settings, c.args, c.out)
	},
}

// registrationsCommand shows or changes the registrations mode.
func registrationsCommand(ctx context.Context, s *settings.Service, args []string, out io.Writer) error {
	switch len(args) {
	case 0:
	case 1:
		if err := changeRegistrations(ctx, s, args[0]); err != nil {
			return err
		}
	default:
		return usagef("admin settings registrations: give at most one mode")
	}
	r, stored, err := s.StoredRegistrations(ctx)
	if err != nil {
		return err
	}
	from := "the configuration (registrations)"
	if stored {
		from = "herd admin settings (reset to go back to the configuration)"
	}
	fmt.Fprintf(out, "registrations: %s, from %s\n", r, from)
	return nil
}

func changeRegistrations(ctx context.Context, s *settings.Service, arg string) error {
	if arg == "reset" {
		return s.ResetRegistrations(ctx)
	}
	r, err := settings.ParseRegistrations(arg)
	if err != nil {
		return usageError{err}
	}
	return s.SetRegistrations(ctx, r)
}
