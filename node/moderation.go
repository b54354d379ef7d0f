package node

import (
	"context"
	"fmt"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
)

// suspensions sends moderators' suspensions through federation, which is built after
// moderation: it reads Services.Federation when called.
type suspensions struct{ s *Services }

func (f suspensions) AccountSuspended(ctx context.Context, a *account.Account) error {
	return f.s.Federation.AccountSuspended(ctx, a)
}

func (f suspensions) AccountUnsuspended(ctx context.Context, a *account.Account) error {
	return f.s.Federation.AccountUnsuspended(ctx, a)
}

func (f suspensions) AccountDeleted(ctx context.Context, a *account.Account) error {
	return f.s.Federation.AccountDeleted(ctx, a)
}

// emailMX is the resolver of the email domain blocks' MX lookups: the server
// configured, the system's when empty, none for "none".
func emailMX(server string) moderation.MXLookup {
	if server == "none" {
		return nil
	}
	return &moderation.MXResolver{Nameserver: server}
}

// The operator's actions from the command line are logged with moderator 0.
const operator shard.ID = 0

// AdminAccountAction takes a moderator's action on an account named by handle
// (username, or username@domain): suspend, silence, disable, sensitive, or a
// reversal (unsuspend, unsilence, enable, unsensitive); approve or reject a pending
// registration; delete a suspended account for good.
func (n *Node) AdminAccountAction(ctx context.Context, verb, handle, text string) error {
	a, err := n.Accounts.LookupAcct(ctx, strings.TrimPrefix(handle, "@"))
	if err != nil {
		return fmt.Errorf("find %s: %w", handle, err)
	}
	switch verb {
	case moderation.ActionSuspend, moderation.ActionSilence, moderation.ActionDisable, moderation.ActionSensitive:
		_, err = n.Reports.Act(ctx, operator, a.ID, moderation.AccountAction{Type: verb, Text: text})
	case moderation.UndoUnsuspend, moderation.UndoUnsilence, moderation.UndoEnable, moderation.UndoUnsensitive:
		_, err = n.Reports.Undo(ctx, operator, a.ID, verb)
	case "approve", "reject":
		_, err = n.Reports.Approve(ctx, operator, a.ID, verb == "approve")
	case "delete":
		_, err = n.Reports.Delete(ctx, operator, a.ID)
	default:
		return fmt.Errorf("admin account: unknown action %q", verb)
	}
	if err == nil {
		n.log.Info("admin: account action", "action", verb, "account", a.Acct())
	}
	return err
}

// AdminBlockDomain blocks a domain (and its subdomains) with a severity.
func (n *Node) AdminBlockDomain(ctx context.Context, domain, severity, publicComment string) (*moderation.DomainBlock, error) {
	return n.Reports.CreateDomainBlock(ctx, operator, moderation.DomainBlock{Domain: domain, Severity: severity,
		PublicComment: publicComment})
}

// AdminUnblockDomain lifts the block of a domain.
func (n *Node) AdminUnblockDomain(ctx context.Context, domain string) error {
	domain, err := moderation.NormalizeDomain(domain)
	if err != nil {
		return err
	}
	blocks, err := n.Reports.DomainBlocks(ctx)
	if err != nil {
		return err
	}
	for _, b := range blocks {
		if b.Domain == domain {
			return n.Reports.DeleteDomainBlock(ctx, operator, b.ID)
		}
	}
	return fmt.Errorf("unblock %s: %w", domain, moderation.ErrNotFound)
}

// AdminDomainBlocks lists the domain blocks.
func (n *Node) AdminDomainBlocks(ctx context.Context) ([]*moderation.DomainBlock, error) {
	return n.Reports.DomainBlocks(ctx)
}

// AuditLine is an entry of the audit log with the moderator's handle.
type AuditLine struct {
	*moderation.AuditEntry
	// Moderator is the moderator's handle, or "(operator)" for the command line.
	Moderator string
}

// AdminAudit returns the newest limit entries of the audit log.
func (n *Node) AdminAudit(ctx context.Context, limit int) ([]AuditLine, error) {
	entries, err := n.Reports.AuditLog(ctx, paging.Page{Limit: limit})
	if err != nil {
		return nil, err
	}
	ids := make([]shard.ID, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, e.AccountID)
	}
	accs, err := n.Accounts.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]AuditLine, len(entries))
	for i, e := range entries {
		out[i] = AuditLine{AuditEntry: e, Moderator: "(operator)"}
		if a := accs[e.AccountID]; a != nil {
			out[i].Moderator = a.Acct()
		}
	}
	return out, nil
}
