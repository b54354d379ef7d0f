package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/herd-social/herd/node"
	"github.com/herd-social/herd/rules"
	"github.com/herd-social/herd/shard"
)

const rulesUsage = `Usage:
  herd admin rule list                                     the server rules, in order
  herd admin rule add [--hint H] [--priority N] TEXT       add a server rule (lower priorities come first)
  herd admin rule update [--text T] [--hint H] [--priority N] ID
  herd admin rule remove ID
  herd admin content-rule list                             the content rules and their hits
  herd admin content-rule add --action A [--regexp] [--whole-word] PATTERN
  herd admin content-rule update [--action A] [--pattern P] [--regexp=B] [--whole-word=B] ID
  herd admin content-rule remove ID

A content rule's action is reject, sensitive, report or unlist. A pattern is a phrase,
matched without regard to case (--whole-word: only as whole words), or with --regexp a
regular expression in Go's RE2 syntax ((?i) ignores case). Flags come before arguments;
the common flags (--config, --data, …) pick the node's engines, as for other admin
commands.
`

// ruleFlags registers the flags of rule and content-rule.
func ruleFlags(fs *flag.FlagSet) {
	fs.String("text", "", "rule update: the new text")
	fs.String("hint", "", "rule: the hint shown under the text")
	fs.Int("priority", 0, "rule: the place in the order, lower first")
	fs.String("action", "", "content-rule: reject, sensitive, report or unlist")
	fs.String("pattern", "", "content-rule update: the new pattern")
	fs.Bool("regexp", false, "content-rule: the pattern is a regular expression")
	fs.Bool("whole-word", false, "content-rule: a phrase matches whole words only")
}

var ruleCmd = &adminCmd{
	usage: rulesUsage,
	verbs: []string{"list", "add", "update", "remove"},
	flags: ruleFlags,
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		return ruleCommand(ctx, n.Rules, c.verb, c.args, c.set(), c.out)
	},
}

var contentRuleCmd = &adminCmd{
	usage: rulesUsage,
	verbs: []string{"list", "add", "update", "remove"},
	flags: ruleFlags,
	run: func(ctx context.Context, n *node.Node, c *adminCall) error {
		return contentRuleCommand(ctx, n.Rules, c.verb, c.args, c.set(), c.out)
	},
}

func opt(set map[string]string, name string) *string {
	if v, ok := set[name]; ok {
		return &v
	}
	return nil
}

func optBool(set map[string]string, name string) *bool {
	if v, ok := set[name]; ok {
		b := v == "true"
		return &b
	}
	return nil
}

// oneArg returns the one argument of cmd, or an error.
func oneArg(cmd string, args []string) (string, error) {
	if len(args) != 1 {
		return "", usagef("admin %s: give one argument (flags come first)", cmd)
	}
	return args[0], nil
}

func ruleCommand(ctx context.Context, svc *rules.Service, cmd string, args []string, set map[string]string, out io.Writer) error {
	if cmd == "list" {
		rs, err := svc.Rules(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tPRIORITY\tTEXT\tHINT")
		for _, r := range rs {
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", r.ID, r.Priority, r.Text, r.Hint)
		}
		return w.Flush()
	}
	arg, err := oneArg("rule "+cmd, args)
	if err != nil {
		return err
	}
	c := rules.RuleChange{Text: opt(set, "text"), Hint: opt(set, "hint")}
	if v, ok := set["priority"]; ok {
		var p int
		if _, err := fmt.Sscan(v, &p); err != nil {
			return usagef("admin rule: --priority: %w", err)
		}
		c.Priority = &p
	}
	var r *rules.Rule
	switch cmd {
	case "add":
		c.Text = &arg
		r, err = svc.AddRule(ctx, c)
	case "update", "remove":
		id, perr := shard.Parse(arg)
		if perr != nil {
			return fmt.Errorf("admin rule %s: %w", cmd, perr)
		}
		if cmd == "update" {
			r, err = svc.UpdateRule(ctx, id, c)
		} else {
			r, err = svc.RemoveRule(ctx, id)
		}
	}
	if err == nil {
		fmt.Fprintf(out, "%s rule %s: %s\n", cmd, r.ID, r.Text)
	}
	return err
}

func contentRuleCommand(ctx context.Context, svc *rules.Service, cmd string, args []string, set map[string]string, out io.Writer) error {
	if cmd == "list" {
		rs, err := svc.ContentRules(ctx)
		if err != nil {
			return err
		}
		hits, err := svc.Hits(ctx, rs)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tACTION\tKIND\tHITS\tPATTERN")
		for i, r := range rs {
			kind := "phrase"
			switch {
			case r.Regexp:
				kind = "regexp"
			case r.WholeWord:
				kind = "words"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\n", r.ID, r.Action, kind, hits[i], r.Pattern)
		}
		return w.Flush()
	}
	arg, err := oneArg("content-rule "+cmd, args)
	if err != nil {
		return err
	}
	c := rules.ContentChange{Pattern: opt(set, "pattern"), Regexp: optBool(set, "regexp"),
		WholeWord: optBool(set, "whole-word")}
	if a := opt(set, "action"); a != nil {
		c.Action = (*rules.Action)(a)
	}
	var r *rules.ContentRule
	switch cmd {
	case "add":
		c.Pattern = &arg
		r, err = svc.AddContentRule(ctx, 0, c)
	case "update", "remove":
		id, perr := shard.Parse(arg)
		if perr != nil {
			return fmt.Errorf("admin content-rule %s: %w", cmd, perr)
		}
		if cmd == "update" {
			r, err = svc.UpdateContentRule(ctx, id, c)
		} else {
			r, err = svc.RemoveContentRule(ctx, id)
		}
	}
	if err == nil {
		fmt.Fprintf(out, "%s content rule %s: %s %q\n", cmd, r.ID, r.Action, r.Pattern)
	}
	return err
}
