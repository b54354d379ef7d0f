package notification

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Groupable lists the kinds Mastodon groups (its GROUPABLE_NOTIFICATION_TYPES): the
// favourites and boosts of one status, follows, and sign-ups.
var Groupable = []Kind{Favourite, Reblog, Follow, AdminSignUp}

const (
	// groupSpan is how long a group keeps taking notifications after it began, as
	// Mastodon's MAXIMUM_GROUP_SPAN_HOURS.
	groupSpan = 12 * time.Hour
	// SampleAccounts is how many of a group's accounts it names, as Mastodon's
	// SAMPLE_ACCOUNTS_SIZE.
	SampleAccounts = 8
	// maxGroupScan bounds the members of a group dismissed at once.
	maxGroupScan = 2000
	// groupScanChunk is how many notifications the first scan of a listing reads;
	// each later one reads twice as many, up to maxScanChunk.
	groupScanChunk = 200
	maxScanChunk   = 2000
)

// groupKey gives a new notification its group key as Mastodon's set_group_key! does:
// "<type>-<status id>-<hour>" for favourites and boosts, "follow-<hour>" for follows (and sign-ups),
// where the hour is the one the group began in, reused while the group is younger
// than groupSpan. Other kinds stay ungrouped ("").
func (s *Service) groupKey(ctx context.Context, to shard.ID, n *Notification) (string, error) {
	if !slices.Contains(Groupable, n.Type) {
		return "", nil
	}
	prefix := string(n.Type)
	if n.Type != Follow && n.Type != AdminSignUp {
		prefix += "-" + n.StatusID.String()
	}
	hour := n.CreatedAt.Unix() / 3600
	b, err := s.st.Get(ctx, tGroupHours, to.Bytes(), []byte(prefix))
	switch {
	case err == nil && len(b) == 8:
		if prev := int64(binary.BigEndian.Uint64(b)); hour < prev+int64(groupSpan/time.Hour) {
			hour = prev
		}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return "", fmt.Errorf("load the group of a notification for %d: %w", to, err)
	}
	if err := s.st.Put(ctx, tGroupHours, to.Bytes(), []byte(prefix), binary.BigEndian.AppendUint64(nil, uint64(hour)), 0); err != nil {
		return "", fmt.Errorf("save the group of a notification for %d: %w", to, err)
	}
	return prefix + "-" + strconv.FormatInt(hour, 10), nil
}

// KeyOf is the group key a notification shows under: its own group when its kind is
// grouped (grouped nil means every groupable kind), else "ungrouped-<id>".
func KeyOf(n *Notification, grouped []Kind) string {
	if n.GroupKey == "" || (grouped != nil && !slices.Contains(grouped, n.Type)) {
		return "ungrouped-" + n.ID.String()
	}
	return n.GroupKey
}

// Group is a notification group of a page, as Mastodon's NotificationGroup.
type Group struct {
	Key string
	// Latest is the group's newest notification in the page.
	Latest Notification
	// Count is how many of the group's notifications the page covers.
	Count int
	// PageMinID and PageMaxID are its oldest and newest notification in the page.
	PageMinID, PageMaxID shard.ID
	// Accounts are its distinct senders, newest first, at most SampleAccounts.
	Accounts []shard.ID
}

func (g *Group) add(n *Notification) {
	if g.Count == 0 {
		g.Latest, g.PageMaxID = *n, n.ID
	}
	g.Count++
	g.PageMinID = n.ID // newest first: the last one added is the oldest
	if len(g.Accounts) < SampleAccounts && !slices.Contains(g.Accounts, n.From) {
		g.Accounts = append(g.Accounts, n.From)
	}
}

// GroupQuery narrows a grouped listing.
type GroupQuery struct {
	Query
	// Grouped are the kinds grouped; nil means Groupable.
	Grouped []Kind
}

// scanAll reads the account's notifications within p's bounds in scan order (newest
// first, or oldest first for a min_id page), handing each kept one to each until it
// returns false or the partition ends. It has no other bound, as Mastodon's query has
// none: narrow types[] behind many other notifications read on until the page is full.
func (s *Service) scanAll(ctx context.Context, account shard.ID, p paging.Page, q Query, each func(*Notification) bool) error {
	for chunk := groupScanChunk; ; chunk = min(2*chunk, maxScanChunk) {
		p.Limit = chunk
		rows, err := s.st.Scan(ctx, tNotifications, account.Bytes(), p.Range())
		if err != nil {
			return fmt.Errorf("list notifications of %d: %w", account, err)
		}
		for _, r := range rows {
			var n Notification
			if err := store.Unmarshal(r.Value, &n); err != nil {
				return err
			}
			if q.keep(&n) && !each(&n) {
				return nil
			}
		}
		if len(rows) < chunk {
			return nil
		}
		last := shard.FromBytes(rows[len(rows)-1].CK)
		if p.Forward() {
			p.MinID = last
		} else {
			p.MaxID = last
		}
	}
}

// Groups returns a page of account's notification groups, newest first, as
// Mastodon's grouped listing pages them: a page holds p.Limit groups, each once,
// ordered by their newest notification within the cursors, and counts the
// notifications of its groups between the oldest and the newest group's latest
// notification (to the cursor when the page is not full). A group may show again on
// the next page with its older notifications.
func (s *Service) Groups(ctx context.Context, account shard.ID, p paging.Page, q GroupQuery) ([]Group, error) {
	var groups []*Group
	byKey := map[string]*Group{}
	if p.Forward() {
		// As Mastodon's paginate_groups_by_min_id: oldest first from the cursor, the
		// notification that starts the page's last group ends it; a page that ends
		// short reaches the newest notification. Groups come newest first by the
		// notification that started them on the page.
		var all []Notification
		var order []string
		err := s.scanAll(ctx, account, p, q.Query, func(n *Notification) bool {
			k := KeyOf(n, q.Grouped)
			if byKey[k] == nil {
				byKey[k] = &Group{Key: k}
				order = append(order, k)
			}
			all = append(all, *n)
			return len(order) < p.Limit
		})
		if err != nil {
			return nil, err
		}
		for i := len(all) - 1; i >= 0; i-- { // newest first, as add expects
			byKey[KeyOf(&all[i], q.Grouped)].add(&all[i])
		}
		for i := len(order) - 1; i >= 0; i-- {
			groups = append(groups, byKey[order[i]])
		}
	} else {
		err := s.scanAll(ctx, account, p, q.Query, func(n *Notification) bool {
			k := KeyOf(n, q.Grouped)
			g := byKey[k]
			if g == nil {
				g = &Group{Key: k}
				byKey[k] = g
				groups = append(groups, g)
			}
			g.add(n)
			return len(groups) < p.Limit // the last group's newest notification ends a full page
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]Group, len(groups))
	for i, g := range groups {
		out[i] = *g
	}
	return out, nil
}

// GroupCursors are the Link cursors of a page of groups: older than its oldest
// notification, newer than its newest.
func GroupCursors(gs []Group) paging.Cursors {
	if len(gs) == 0 {
		return paging.Cursors{}
	}
	c := paging.Cursors{Next: gs[0].PageMinID, Prev: gs[0].PageMaxID}
	for _, g := range gs[1:] {
		c.Next, c.Prev = min(c.Next, g.PageMinID), max(c.Prev, g.PageMaxID)
	}
	return c
}

// GroupMembers returns the notifications of account's group key, newest first, at most
// limit: the one notification of an "ungrouped-<id>" key, or those a group holds.
func (s *Service) GroupMembers(ctx context.Context, account shard.ID, key string, limit int) ([]Notification, error) {
	if id, ok := strings.CutPrefix(key, "ungrouped-"); ok {
		nid, err := shard.Parse(id)
		if err != nil {
			return nil, fmt.Errorf("group %q: %w", key, ErrNotFound)
		}
		n, err := s.Get(ctx, account, nid)
		if err != nil {
			return nil, err
		}
		if n.Filtered {
			return nil, fmt.Errorf("group %q: %w", key, ErrNotFound)
		}
		return []Notification{*n}, nil
	}
	rows, err := s.st.Scan(ctx, tGroupMembers, groupPK(account, key), store.Range{Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("list the group %q of %d: %w", key, account, err)
	}
	keys := make([]store.Key, len(rows))
	for i, r := range rows {
		keys[i] = store.Key{PK: account.Bytes(), CK: r.CK}
	}
	vals, err := s.st.MultiGet(ctx, tNotifications, keys)
	if err != nil {
		return nil, fmt.Errorf("load the group %q of %d: %w", key, account, err)
	}
	var out []Notification
	for _, v := range vals {
		if v == nil { // dismissed or cleared
			continue
		}
		var n Notification
		if err := store.Unmarshal(v, &n); err != nil {
			return nil, err
		}
		if !n.Filtered {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("group %q: %w", key, ErrNotFound)
	}
	return out, nil
}

// DismissGroup deletes every notification of account's group key.
func (s *Service) DismissGroup(ctx context.Context, account shard.ID, key string) error {
	ns, err := s.GroupMembers(ctx, account, key, maxGroupScan)
	if err != nil {
		return err
	}
	for _, n := range ns {
		if err := s.remove(ctx, account, &n); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes one notification and its place in its group.
func (s *Service) remove(ctx context.Context, account shard.ID, n *Notification) error {
	muts := []store.Mutation{{Kind: store.Delete, Table: tNotifications, PK: account.Bytes(), CK: n.ID.Bytes()}}
	if n.GroupKey != "" {
		muts = append(muts, store.Mutation{Kind: store.Delete, Table: tGroupMembers, PK: groupPK(account, n.GroupKey), CK: n.ID.Bytes()})
	}
	if err := s.st.Batch(ctx, muts); err != nil {
		return fmt.Errorf("remove notification %d: %w", n.ID, err)
	}
	return nil
}

func groupPK(account shard.ID, key string) []byte {
	return append(account.Bytes(), key...)
}

// UnreadGroups counts account's notification groups newer than lastRead, up to limit,
// as Mastodon's v2 unread count does.
func (s *Service) UnreadGroups(ctx context.Context, account, lastRead shard.ID, limit int, q GroupQuery) (int, error) {
	seen := map[string]bool{}
	err := s.scanAll(ctx, account, paging.Page{SinceID: lastRead}, q.Query, func(n *Notification) bool {
		seen[KeyOf(n, q.Grouped)] = true
		return len(seen) < limit
	})
	return len(seen), err
}

// Collect makes one group of notifications given newest first, such as a group's
// members.
func Collect(key string, ns []Notification) Group {
	g := Group{Key: key}
	for i := range ns {
		g.add(&ns[i])
	}
	return g
}

// RemoveFrom deletes the notifications of account that accounts for which from is
// true sent (an account purged with its domain), and returns how many.
func (s *Service) RemoveFrom(ctx context.Context, account shard.ID, from func(shard.ID) bool) (int, error) {
	k := 0
	r := store.Range{Limit: 500}
	for {
		rows, err := s.st.Scan(ctx, tNotifications, account.Bytes(), r)
		if err != nil {
			return k, fmt.Errorf("list notifications of %d: %w", account, err)
		}
		for _, row := range rows {
			var n Notification
			if err := store.Unmarshal(row.Value, &n); err != nil {
				return k, err
			}
			if n.From == 0 || !from(n.From) {
				continue
			}
			if err := s.remove(ctx, account, &n); err != nil {
				return k, err
			}
			k++
		}
		if len(rows) < r.Limit {
			return k, nil
		}
		r.Upper = store.Excl(rows[len(rows)-1].CK) // newest first
	}
}
