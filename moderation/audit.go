package moderation

import (
	"context"
	"fmt"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// tAudit is the audit log: every moderator action, newest first, in one partition.
const tAudit = "admin_actions"

var auditPartition = []byte("all")

// AuditEntry records one moderator action, as Mastodon's admin action log.
type AuditEntry struct {
	ID shard.ID `cbor:"1,keyasint"`
	// AccountID is the moderator.
	AccountID shard.ID `cbor:"2,keyasint"`
	// Action names what was done: "suspend", "unsilence", "create_domain_block", …
	Action string `cbor:"3,keyasint"`
	// TargetType and Target say what it was done to: "Account" and an account id,
	// "DomainBlock" and a domain, …
	TargetType string    `cbor:"4,keyasint"`
	Target     string    `cbor:"5,keyasint"`
	Text       string    `cbor:"6,keyasint,omitempty"`
	CreatedAt  time.Time `cbor:"7,keyasint"`
}

// audit writes an entry of the audit log.
func (s *Service) audit(ctx context.Context, moderator shard.ID, action, targetType, target, text string) error {
	e := AuditEntry{ID: s.ids.Next(), AccountID: moderator, Action: action, TargetType: targetType,
		Target: target, Text: text, CreatedAt: s.opts.Now().UTC()}
	b, err := store.Marshal(&e)
	if err != nil {
		return err
	}
	if err := s.st.Put(ctx, tAudit, auditPartition, e.ID.Bytes(), b, 0); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// AuditLog returns one page of the audit log, newest first.
func (s *Service) AuditLog(ctx context.Context, p paging.Page) ([]*AuditEntry, error) {
	rows, err := s.st.Scan(ctx, tAudit, auditPartition, p.Range())
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	out := make([]*AuditEntry, 0, len(rows))
	for _, r := range p.Newest(rows) {
		var e AuditEntry
		if err := store.Unmarshal(r.Value, &e); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, nil
}

// Record writes an entry of the audit log for an action another service took
// (package role: roles made, changed, removed and given).
func (s *Service) Record(ctx context.Context, moderator shard.ID, action, targetType, target string) error {
	return s.audit(ctx, moderator, action, targetType, target, "")
}
