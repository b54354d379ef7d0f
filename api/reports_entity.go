package api

import (
	"context"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/status"
)

// Report is Mastodon's Report entity, what the reporter sees.
type Report struct {
	ID            string   `json:"id"`
	ActionTaken   bool     `json:"action_taken"`
	ActionTakenAt *string  `json:"action_taken_at"`
	Category      string   `json:"category"`
	Comment       string   `json:"comment"`
	Forwarded     bool     `json:"forwarded"`
	CreatedAt     string   `json:"created_at"`
	StatusIDs     []string `json:"status_ids"`
	RuleIDs       []string `json:"rule_ids"`
	CollectionIDs []string `json:"collection_ids"`
	TargetAccount *Account `json:"target_account"`
}

// AdminReport is Mastodon's Admin::Report entity.
type AdminReport struct {
	ID                   string        `json:"id"`
	ActionTaken          bool          `json:"action_taken"`
	ActionTakenAt        *string       `json:"action_taken_at"`
	Category             string        `json:"category"`
	Comment              string        `json:"comment"`
	Forwarded            bool          `json:"forwarded"`
	CreatedAt            string        `json:"created_at"`
	UpdatedAt            string        `json:"updated_at"`
	Account              *AdminAccount `json:"account"`
	TargetAccount        *AdminAccount `json:"target_account"`
	AssignedAccount      *AdminAccount `json:"assigned_account"`
	ActionTakenByAccount *AdminAccount `json:"action_taken_by_account"`
	Statuses             []*Status     `json:"statuses"`
	Rules                []Rule        `json:"rules"`
}

// AdminAccount is Mastodon's Admin::Account entity. As Mastodon's serializer, the
// user's fields (email, locale, role, ips) are null for remote accounts.
type AdminAccount struct {
	ID            string    `json:"id"`
	Username      string    `json:"username"`
	Domain        *string   `json:"domain"`
	CreatedAt     string    `json:"created_at"`
	Email         *string   `json:"email"`
	IP            *string   `json:"ip"`
	IPs           []AdminIP `json:"ips"`
	Locale        *string   `json:"locale"`
	InviteRequest *string   `json:"invite_request"`
	InvitedBy     *string   `json:"invited_by_account_id"`
	Role          *Role     `json:"role"`
	Confirmed     bool      `json:"confirmed"`
	Approved      bool      `json:"approved"`
	Disabled      bool      `json:"disabled"`
	Silenced      bool      `json:"silenced"`
	Suspended     bool      `json:"suspended"`
	Sensitized    bool      `json:"sensitized"`
	Account       *Account  `json:"account"`
}

// AdminIP is Mastodon's Admin::Ip: an address a user used, and when last.
type AdminIP struct {
	IP     string `json:"ip"`
	UsedAt string `json:"used_at"`
}

// report renders a report for its reporter.
func (s *Server) report(ctx context.Context, rep *moderation.Report) (*Report, error) {
	target, err := s.oneAccount(ctx, rep.TargetAccountID)
	if err != nil {
		return nil, err
	}
	out := &Report{ID: rep.ID.String(), ActionTaken: rep.Resolved(), Category: rep.Category, Comment: rep.Comment,
		Forwarded: rep.Forwarded, CreatedAt: datetime(rep.CreatedAt), StatusIDs: idStrings(rep.StatusIDs),
		CollectionIDs: []string{}, TargetAccount: target}
	if rep.Resolved() {
		out.ActionTakenAt = ptr(datetime(rep.ActionTakenAt))
	}
	if len(rep.RuleIDs) > 0 {
		out.RuleIDs = rep.RuleIDs
	}
	return out, nil
}

func idStrings(ids []shard.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// adminReports renders reports for moderators, loading every account and status
// they name at once.
func (s *Server) adminReports(ctx context.Context, viewer shard.ID, reps []*moderation.Report) ([]*AdminReport, error) {
	var accIDs, stIDs []shard.ID
	for _, r := range reps {
		accIDs = append(accIDs, r.AccountID, r.TargetAccountID, r.AssignedAccountID, r.ActionTakenByAccountID)
		stIDs = append(stIDs, r.StatusIDs...)
	}
	accs, err := s.adminAccounts(ctx, accIDs)
	if err != nil {
		return nil, err
	}
	sts, err := s.statusMap(ctx, viewer, stIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*AdminReport, 0, len(reps))
	for _, r := range reps {
		e := &AdminReport{ID: r.ID.String(), ActionTaken: r.Resolved(), Category: r.Category, Comment: r.Comment,
			Forwarded: r.Forwarded, CreatedAt: datetime(r.CreatedAt), UpdatedAt: datetime(r.UpdatedAt),
			Account: accs[r.AccountID], TargetAccount: accs[r.TargetAccountID], AssignedAccount: accs[r.AssignedAccountID],
			ActionTakenByAccount: accs[r.ActionTakenByAccountID], Statuses: []*Status{}}
		if e.Rules, err = s.reportRules(ctx, r.RuleIDs); err != nil {
			return nil, err
		}
		if r.Resolved() {
			e.ActionTakenAt = ptr(datetime(r.ActionTakenAt))
		}
		for _, id := range r.StatusIDs {
			if st := sts[id]; st != nil {
				e.Statuses = append(e.Statuses, st)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// statusMap renders statuses by id for a moderator, whoever they were addressed to.
func (s *Server) statusMap(ctx context.Context, viewer shard.ID, ids []shard.ID) (map[shard.ID]*Status, error) {
	byID, err := s.d.Statuses.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	list := make([]*status.Status, 0, len(byID))
	for _, st := range byID {
		list = append(list, st)
	}
	origs, err := s.d.Statuses.GetMany(ctx, reblogged(list))
	if err != nil {
		return nil, err
	}
	rendered, err := s.renderStatuses(ctx, viewer, list, origs, true)
	if err != nil {
		return nil, err
	}
	out := make(map[shard.ID]*Status, len(rendered))
	for _, st := range rendered {
		id, _ := shard.Parse(st.ID)
		out[id] = st
	}
	return out, nil
}

// adminAccounts renders accounts as Admin::Account, keyed by id; zero ids and
// missing accounts are left out.
func (s *Server) adminAccounts(ctx context.Context, ids []shard.ID) (map[shard.ID]*AdminAccount, error) {
	raw, err := s.d.Accounts.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	targets := make([]*moderation.Target, 0, len(raw))
	for id, a := range raw {
		t := &moderation.Target{Account: a}
		if a.Local() {
			if t.User, err = s.d.Accounts.User(ctx, id); err != nil {
				return nil, err
			}
		}
		targets = append(targets, t)
	}
	list, err := s.adminTargets(ctx, targets)
	if err != nil {
		return nil, err
	}
	out := make(map[shard.ID]*AdminAccount, len(list))
	for i, t := range targets {
		out[t.Account.ID] = list[i]
	}
	return out, nil
}

// adminTargets renders accounts as moderators see them, in order.
func (s *Server) adminTargets(ctx context.Context, targets []*moderation.Target) ([]*AdminAccount, error) {
	ids := make([]shard.ID, len(targets))
	for i, t := range targets {
		ids[i] = t.Account.ID
	}
	rendered, err := s.accountMap(ctx, ids)
	if err != nil {
		return nil, err
	}
	out, c := make([]*AdminAccount, len(targets)), s.roleCache()
	for i, t := range targets {
		a, u := t.Account, t.User
		e := &AdminAccount{ID: a.ID.String(), Username: a.Username, CreatedAt: datetime(a.CreatedAt),
			Silenced: a.Silenced, Suspended: a.Suspended, Sensitized: a.Sensitized, Account: rendered[a.ID]}
		if u != nil {
			if e.Role, err = c.userRole(ctx, u); err != nil {
				return nil, err
			}
			e.Email, e.Locale = ptr(u.Email), ptr(u.Locale)
			if e.IPs, err = s.adminIPs(ctx, a.ID); err != nil {
				return nil, err
			}
			if len(e.IPs) > 0 {
				e.IP = ptr(e.IPs[0].IP)
			}
			e.Confirmed, e.Approved, e.Disabled = !u.Unconfirmed, !u.Pending, u.Disabled
			if u.Reason != "" {
				e.InviteRequest = ptr(u.Reason)
			}
			if u.InvitedBy != 0 {
				e.InvitedBy = ptr(u.InvitedBy.String())
			}
		} else {
			e.Domain = ptr(a.Domain)
		}
		out[i] = e
	}
	return out, nil
}

// adminIPs are the addresses a user used, the last used first.
func (s *Server) adminIPs(ctx context.Context, id shard.ID) ([]AdminIP, error) {
	ips, err := s.d.Accounts.UserIPs(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]AdminIP, len(ips))
	for i, ip := range ips {
		out[i] = AdminIP{IP: ip.Addr.String(), UsedAt: datetime(ip.UsedAt)}
	}
	return out, nil
}
