package node

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/media"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// PurgeResult counts what AdminPurgeDomain removed (or, in a dry run, would remove).
type PurgeResult struct {
	// Domains are the known domains purged: the one given and its subdomains.
	Domains []string
	// Accounts, Statuses (with boosts), Favourites, Notifications and Emoji (the
	// domains' custom emoji known here) removed.
	Accounts, Statuses, Favourites, Notifications, Emoji int
}

// purgeBatch is how many statuses of an account are deleted between two progress lines.
const purgeBatch = 200

// AdminPurgeDomain removes every known account of a domain and its subdomains, as
// Mastodon's `tootctl domains purge`: their statuses and boosts (with their media,
// timelines and the boosts of them), their favourites, their follows both ways, the
// notifications they gave local accounts, the domains' custom emoji, and at last their
// records; nothing is
// federated. A domain given with a port names that peer alone. It writes a line of
// progress to out for each account; a run stopped halfway is resumed by running it
// again (an account's record goes last). dryRun only counts.
func (n *Node) AdminPurgeDomain(ctx context.Context, domain string, dryRun bool, out io.Writer) (PurgeResult, error) {
	var res PurgeResult
	domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	if domain == "" {
		return res, fmt.Errorf("purge: %w", account.ErrNotFound)
	}
	peers, err := n.Accounts.Peers(ctx)
	if err != nil {
		return res, err
	}
	for _, p := range peers {
		if purgeCovers(domain, p) {
			res.Domains = append(res.Domains, p)
		}
	}
	purged := map[shard.ID]bool{}
	for _, p := range res.Domains {
		err := n.eachDomainAccount(ctx, p, func(a *account.Account) error {
			if a.Local() {
				return nil
			}
			purged[a.ID] = true
			return n.purgeWrites(ctx, a, dryRun, out, &res)
		})
		if err != nil {
			return res, err
		}
	}
	res.Accounts = len(purged)
	if err := n.purgeNotifications(ctx, purged, dryRun, &res); err != nil {
		return res, err
	}
	if err := n.purgeEmoji(ctx, res.Domains, dryRun, &res); err != nil {
		return res, err
	}
	if dryRun {
		return res, nil
	}
	for _, p := range res.Domains {
		err := n.eachDomainAccount(ctx, p, func(a *account.Account) error {
			if !purged[a.ID] {
				return nil // known since the run began: the next run takes it
			}
			for _, kind := range []media.Picture{media.Avatar, media.Header} { // its cached pictures
				if err := n.Media.KeepCachedPicture(ctx, a.ID, kind, ""); err != nil {
					return err
				}
			}
			return n.Accounts.Purge(ctx, a)
		})
		if err != nil {
			return res, err
		}
		if err := n.forgetEmptyPeer(ctx, p); err != nil {
			return res, err
		}
	}
	n.log.Info("admin: domain purged", "domain", domain, "accounts", res.Accounts, "statuses", res.Statuses)
	return res, nil
}

// purgeCovers tells whether the peer p is domain or one of its subdomains.
func purgeCovers(domain, p string) bool {
	if strings.Contains(domain, ":") {
		return strings.EqualFold(p, domain)
	}
	if host, _, err := net.SplitHostPort(p); err == nil {
		p = host
	}
	p = strings.TrimSuffix(strings.ToLower(p), ".")
	return p == domain || strings.HasSuffix(p, "."+domain)
}

// purgeWrites removes (or counts) what a's account wrote here: its statuses, then its
// favourites; its follows end as its record goes.
func (n *Node) purgeWrites(ctx context.Context, a *account.Account, dryRun bool, out io.Writer, res *PurgeResult) error {
	if dryRun {
		k, err := n.Statuses.CountAuthored(ctx, a.ID)
		res.Statuses += k
		fmt.Fprintf(out, "would purge %s: %d statuses\n", a.Acct(), k)
		return err
	}
	total := 0
	for {
		k, err := n.Statuses.PurgeAuthor(ctx, a.ID, purgeBatch)
		total += k
		res.Statuses += k
		if err != nil {
			return fmt.Errorf("purge the statuses of %s: %w", a.Acct(), err)
		}
		if k < purgeBatch {
			break
		}
		fmt.Fprintf(out, "purging %s: %d statuses so far\n", a.Acct(), total)
	}
	favs, err := n.Statuses.DropFavourites(ctx, a.ID)
	res.Favourites += favs
	if err != nil {
		return fmt.Errorf("purge the favourites of %s: %w", a.Acct(), err)
	}
	fmt.Fprintf(out, "purged %s: %d statuses, %d favourites\n", a.Acct(), total, favs)
	return nil
}

// purgeNotifications removes (or, in a dry run, counts nothing of) the notifications
// local accounts have from the purged accounts.
func (n *Node) purgeNotifications(ctx context.Context, purged map[shard.ID]bool, dryRun bool, res *PurgeResult) error {
	if dryRun || len(purged) == 0 {
		return nil
	}
	from := func(id shard.ID) bool { return purged[id] }
	r := store.Range{Limit: 500}
	for {
		rows, err := n.Accounts.Listing(ctx, []byte(account.OriginLocal), r)
		if err != nil {
			return err
		}
		for _, row := range rows {
			k, err := n.Notifications.RemoveFrom(ctx, shard.FromBytes(row.CK), from)
			res.Notifications += k
			if err != nil {
				return err
			}
		}
		if len(rows) < r.Limit {
			return nil
		}
		r.Upper = store.Excl(rows[len(rows)-1].CK) // the listing is newest first
	}
}

// purgeEmoji removes (or counts) the custom emoji of the domains.
func (n *Node) purgeEmoji(ctx context.Context, domains []string, dryRun bool, res *PurgeResult) error {
	for _, p := range domains {
		list, err := n.Emoji.List(ctx, p)
		if err != nil {
			return err
		}
		res.Emoji += len(list)
		for _, e := range list {
			if dryRun {
				continue
			}
			if err := n.Emoji.Delete(ctx, p, e.Shortcode); err != nil {
				return fmt.Errorf("remove emoji %s of %s: %w", e.Shortcode, p, err)
			}
		}
	}
	return nil
}

// forgetEmptyPeer takes p out of the peers when no account of it is left.
func (n *Node) forgetEmptyPeer(ctx context.Context, p string) error {
	rows, err := n.Accounts.Listing(ctx, account.ListingDomain(p), store.Range{Limit: 1})
	if err != nil || len(rows) > 0 {
		return err
	}
	return n.Accounts.ForgetPeer(ctx, p)
}
