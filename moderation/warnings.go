package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/mail"
	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Warning is a strike, Mastodon's AccountWarning: what moderators did to an account,
// their note to it, and the account's appeal, if any.
type Warning struct {
	ID shard.ID `cbor:"1,keyasint"`
	// AccountID is the moderator (0 for the operator at the command line).
	AccountID       shard.ID `cbor:"2,keyasint,omitempty"`
	TargetAccountID shard.ID `cbor:"3,keyasint"`
	// Action is the account action's type (none, disable, sensitive, silence, suspend).
	Action string `cbor:"4,keyasint"`
	Text   string `cbor:"5,keyasint,omitempty"`
	// ReportID is the report the action resolved; StatusIDs its statuses.
	ReportID  shard.ID   `cbor:"6,keyasint,omitempty"`
	StatusIDs []shard.ID `cbor:"7,keyasint,omitempty"`
	CreatedAt time.Time  `cbor:"8,keyasint"`
	// OverruledAt is when an approved appeal reversed the action.
	OverruledAt time.Time `cbor:"9,keyasint,omitempty"`
	Appeal      *Appeal   `cbor:"10,keyasint,omitempty"`
}

// Appeal is the warned account's plea against a strike, and what moderators made of it.
type Appeal struct {
	Text       string    `cbor:"1,keyasint"`
	CreatedAt  time.Time `cbor:"2,keyasint"`
	ApprovedAt time.Time `cbor:"3,keyasint,omitempty"`
	ApprovedBy shard.ID  `cbor:"4,keyasint,omitempty"`
	RejectedAt time.Time `cbor:"5,keyasint,omitempty"`
	RejectedBy shard.ID  `cbor:"6,keyasint,omitempty"`
}

// Appeal states, as Mastodon's.
const (
	AppealPending  = "pending"
	AppealApproved = "approved"
	AppealRejected = "rejected"
)

// State is the appeal's state.
func (a *Appeal) State() string {
	switch {
	case !a.ApprovedAt.IsZero():
		return AppealApproved
	case !a.RejectedAt.IsZero():
		return AppealRejected
	}
	return AppealPending
}

// MaxStrikeAge is how long a strike may be appealed, and MaxAppeal the longest
// appeal, as Mastodon's.
const (
	MaxStrikeAge = 20 * 24 * time.Hour
	MaxAppeal    = 2000
)

const (
	tWarnings = "account_warnings"
	// tWarningsOf lists a target's warnings newest first.
	tWarningsOf = "account_warnings_of"
	// tAppeals lists appealed warnings newest first, partitioned by appeal state.
	tAppeals = "appeal_index"
)

// WarningNotifier is the part of the notification service that tells a local user
// of a strike (moderation_warning).
type WarningNotifier interface {
	NotifyWarning(ctx context.Context, to, warningID shard.ID) error
}

// MailQueue is the part of the mail queue that warnings are mailed through.
type MailQueue interface {
	Enqueue(ctx context.Context, j mail.Job) error
}

// WarningMail is how strikes are mailed: the queue, and the instance named in them.
type WarningMail struct {
	Queue    MailQueue
	Instance mail.Instance
}

// strike records the warning of an action just taken on t and, when act.Notify and
// the account is local, tells the user (notification and, with mail, an email), as
// Mastodon's Admin::AccountAction: the preset's text, then the moderator's.
func (s *Service) strike(ctx context.Context, moderator shard.ID, t *Target, act AccountAction, preset *Preset, rep *Report) (*Warning, error) {
	var parts []string
	for _, p := range []string{presetText(preset), act.Text} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	w := &Warning{ID: s.ids.Next(), AccountID: moderator, TargetAccountID: t.Account.ID, Action: act.Type,
		Text: strings.Join(parts, "\n\n"), CreatedAt: s.opts.Now().UTC()}
	if rep != nil {
		w.ReportID = rep.ID
		if !act.WithoutStatuses {
			w.StatusIDs = rep.StatusIDs
		}
	}
	if err := s.saveWarning(ctx, w, ""); err != nil {
		return nil, err
	}
	if act.Notify && t.User != nil {
		s.tellWarned(ctx, t, w)
	}
	return w, nil
}

func presetText(p *Preset) string {
	if p == nil {
		return ""
	}
	return p.Text
}

// tellWarned notifies the user of a warning and mails it when mail is configured. A
// failure is logged: the strike stands.
func (s *Service) tellWarned(ctx context.Context, t *Target, w *Warning) {
	ctx = context.WithoutCancel(ctx)
	if s.opts.Warnings != nil {
		if err := s.opts.Warnings.NotifyWarning(ctx, t.Account.ID, w.ID); err != nil {
			s.opts.Logger.Error("moderation: notify warning", "account", t.Account.Acct(), "err", err)
		}
	}
	if s.opts.Mail == nil || t.User.Email == "" {
		return
	}
	j := mail.Job{Kind: mail.Warning, To: t.User.Email, Username: t.Account.Username, Instance: s.opts.Mail.Instance,
		Action: w.Action, Text: w.Text, Link: s.opts.Mail.Instance.URL}
	if err := s.opts.Mail.Queue.Enqueue(ctx, j); err != nil {
		s.opts.Logger.Error("moderation: mail warning", "account", t.Account.Acct(), "err", err)
	}
}

// saveWarning writes w with its listing rows; wasState is the appeal state it was
// indexed under before ("" for none).
func (s *Service) saveWarning(ctx context.Context, w *Warning, wasState string) error {
	b, err := store.Marshal(w)
	if err != nil {
		return err
	}
	muts := []store.Mutation{{Kind: store.Put, Table: tWarnings, PK: w.ID.Bytes(), CK: empty, Value: b},
		{Kind: store.Put, Table: tWarningsOf, PK: w.TargetAccountID.Bytes(), CK: w.ID.Bytes(), Value: empty}}
	if wasState != "" {
		muts = append(muts, store.Mutation{Kind: store.Delete, Table: tAppeals, PK: []byte(wasState), CK: w.ID.Bytes()})
	}
	if w.Appeal != nil {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tAppeals, PK: []byte(w.Appeal.State()), CK: w.ID.Bytes(), Value: empty})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("save warning %d: %w", w.ID, err)
	}
	return nil
}

// Warning returns one warning.
func (s *Service) Warning(ctx context.Context, id shard.ID) (*Warning, error) {
	b, err := s.st.Get(ctx, tWarnings, id.Bytes(), empty)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("warning %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load warning %d: %w", id, err)
	}
	var w Warning
	if err := store.Unmarshal(b, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// OwnWarning returns a warning of the account `of`; another's is ErrNotFound.
func (s *Service) OwnWarning(ctx context.Context, of, id shard.ID) (*Warning, error) {
	w, err := s.Warning(ctx, id)
	if err == nil && w.TargetAccountID != of {
		err = fmt.Errorf("warning %d of another: %w", id, ErrNotFound)
	}
	return w, err
}

// Warnings returns one page of the warnings of an account, newest first.
func (s *Service) Warnings(ctx context.Context, of shard.ID, p paging.Page) ([]*Warning, error) {
	return s.warningPage(ctx, tWarningsOf, of.Bytes(), p)
}

// Appeals returns one page of the warnings appealed and in state (pending when
// empty), newest first.
func (s *Service) Appeals(ctx context.Context, state string, p paging.Page) ([]*Warning, error) {
	switch state {
	case "":
		state = AppealPending
	case AppealPending, AppealApproved, AppealRejected:
	default:
		return nil, invalid("State is not included in the list")
	}
	return s.warningPage(ctx, tAppeals, []byte(state), p)
}

func (s *Service) warningPage(ctx context.Context, table string, pk []byte, p paging.Page) ([]*Warning, error) {
	rows, err := s.st.Scan(ctx, table, pk, p.Range())
	if err != nil {
		return nil, fmt.Errorf("list warnings: %w", err)
	}
	rows = p.Newest(rows)
	keys := make([]store.Key, len(rows))
	for i, r := range rows {
		keys[i] = store.Key{PK: r.CK, CK: empty}
	}
	vals, err := s.st.MultiGet(ctx, tWarnings, keys)
	if err != nil {
		return nil, fmt.Errorf("load warnings: %w", err)
	}
	out := make([]*Warning, 0, len(vals))
	for _, v := range vals {
		if v == nil {
			continue
		}
		var w Warning
		if err := store.Unmarshal(v, &w); err != nil {
			return nil, err
		}
		out = append(out, &w)
	}
	return out, nil
}

// AppealWarning files the appeal of the account `by` against its warning id: once
// per warning, within MaxStrikeAge, with a text of at most MaxAppeal characters, as
// Mastodon's AppealService.
func (s *Service) AppealWarning(ctx context.Context, by, id shard.ID, text string) (*Warning, error) {
	w, err := s.OwnWarning(ctx, by, id)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now().UTC()
	switch {
	case strings.TrimSpace(text) == "":
		return nil, invalid("Text can't be blank")
	case len([]rune(text)) > MaxAppeal:
		return nil, invalid("Text is too long (maximum is %d characters)", MaxAppeal)
	case w.Appeal != nil:
		return nil, invalid("Account warning has already been taken")
	case w.CreatedAt.Before(now.Add(-MaxStrikeAge)):
		return nil, invalid("It is too late to appeal this strike")
	}
	w.Appeal = &Appeal{Text: text, CreatedAt: now}
	if err := s.saveWarning(ctx, w, ""); err != nil {
		return nil, err
	}
	if err := s.mailAppeal(ctx, w); err != nil {
		s.opts.Logger.Error("moderation: mail an appeal to the staff", "warning", w.ID, "err", err)
	}
	return w, nil
}

// mailAppeal mails a new appeal to the users whose role may manage appeals, as
// Mastodon's AppealService; nothing without mail.
func (s *Service) mailAppeal(ctx context.Context, w *Warning) error {
	if s.opts.Mail == nil || s.opts.Roles == nil {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	by, err := s.accounts.Get(ctx, w.TargetAccountID)
	if err != nil {
		return err
	}
	return s.staffWith(ctx, role.ManageAppeals, func(id shard.ID, u *account.User) error {
		a, err := s.accounts.Get(ctx, id)
		if err != nil || u.Email == "" {
			return nil // no one to mail
		}
		return s.opts.Mail.Queue.Enqueue(ctx, mail.Job{Kind: mail.NewAppeal, To: u.Email, Username: a.Username,
			Account: by.Acct(), Action: w.Action, Text: w.Appeal.Text, Instance: s.opts.Mail.Instance, Link: s.opts.Mail.Instance.URL})
	})
}

// undoOf is the reversal of each account action that an approved appeal undoes.
var undoOf = map[string]string{ActionDisable: UndoEnable, ActionSensitive: UndoUnsensitive,
	ActionSilence: UndoUnsilence, ActionSuspend: UndoUnsuspend}

// DecideAppeal approves or rejects the pending appeal of warning id (ErrForbidden
// when it is decided, ErrNotFound without one, as Mastodon's policy). Approval
// reverses the action, as Mastodon's ApproveAppealService, and overrules the
// strike. Both are written to the audit log (approve_appeal, reject_appeal).
func (s *Service) DecideAppeal(ctx context.Context, moderator, id shard.ID, approve bool) (*Warning, error) {
	w, err := s.Warning(ctx, id)
	if err != nil {
		return nil, err
	}
	if w.Appeal == nil {
		return nil, fmt.Errorf("appeal of warning %d: %w", id, ErrNotFound)
	}
	if w.Appeal.State() != AppealPending {
		return nil, fmt.Errorf("decided appeal of warning %d: %w", id, ErrForbidden)
	}
	now, verb := s.opts.Now().UTC(), "reject_appeal"
	if approve {
		verb = "approve_appeal"
		if undo, ok := undoOf[w.Action]; ok {
			if _, err := s.undo(ctx, w.TargetAccountID, undo); err != nil {
				return nil, err
			}
		}
		w.Appeal.ApprovedAt, w.Appeal.ApprovedBy, w.OverruledAt = now, moderator, now
	} else {
		w.Appeal.RejectedAt, w.Appeal.RejectedBy = now, moderator
	}
	if err := s.saveWarning(ctx, w, AppealPending); err != nil {
		return nil, err
	}
	t, err := s.Target(ctx, w.TargetAccountID)
	if err != nil {
		return nil, err
	}
	if err := s.audit(ctx, moderator, verb, "Appeal", t.Account.Acct(), ""); err != nil {
		return nil, err
	}
	s.mailDecision(ctx, t, w, approve)
	return w, nil
}

// mailDecision mails a local user what moderators decided of their appeal, as
// Mastodon's; a failure is logged.
func (s *Service) mailDecision(ctx context.Context, t *Target, w *Warning, approved bool) {
	if s.opts.Mail == nil || t.User == nil || t.User.Email == "" {
		return
	}
	kind := mail.AppealRejected
	if approved {
		kind = mail.AppealApproved
	}
	j := mail.Job{Kind: kind, To: t.User.Email, Username: t.Account.Username, Action: w.Action,
		Date: w.Appeal.CreatedAt.Format("Jan 02, 2006"), Instance: s.opts.Mail.Instance, Link: s.opts.Mail.Instance.URL}
	if err := s.opts.Mail.Queue.Enqueue(context.WithoutCancel(ctx), j); err != nil {
		s.opts.Logger.Error("moderation: mail an appeal's decision", "account", t.Account.Acct(), "err", err)
	}
}
