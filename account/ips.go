package account

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// The addresses users signed up and signed in from, as Mastodon's user_ips: the
// sign-up address at the registration's time, and each address a token was used
// from with the last time it was (written at most once an hour per user and address
// by each node). Kept a year, as Mastodon's IP cleanup.
//
// user_ips: partition user id, clustering key the address (16 bytes), value the
// Unix time it was last used. ip_users, to find users by address or network:
// partition the address's family and first byte (its first octet for IPv4), so
// that a network is one range scan in each partition it spans, clustering key the
// address and the user id.
const (
	tUserIPs = "user_ips"
	tIPUsers = "ip_users"
)

// IPRetention is how long an address is kept after its last use.
const IPRetention = 365 * day

// ipRewrite is how long a node leaves an address it recorded alone.
const ipRewrite = time.Hour

func ipTables() store.Schema {
	return store.Schema{{Name: tUserIPs, TTL: IPRetention}, {Name: tIPUsers, TTL: IPRetention}}
}

// UserIP is one address a user used, and when last.
type UserIP struct {
	Addr   netip.Addr
	UsedAt time.Time
}

// ipBucket is the ip_users partition of an address (unmapped).
func ipBucket(a netip.Addr) []byte {
	b := a.As16()
	if a.Is4() {
		return []byte("4:" + strconv.Itoa(int(b[12])))
	}
	return []byte("6:" + strconv.Itoa(int(b[0])))
}

func ipMutations(id shard.ID, a netip.Addr, at time.Time) []store.Mutation {
	a = a.Unmap()
	b := a.As16()
	used := binary.BigEndian.AppendUint64(nil, uint64(at.Unix()))
	return []store.Mutation{
		{Kind: store.Put, Table: tUserIPs, PK: id.Bytes(), CK: b[:], Value: used},
		{Kind: store.Put, Table: tIPUsers, PK: ipBucket(a), CK: append(b[:], id.Bytes()...), Value: empty},
	}
}

// RecordIP records that a user used an address now. Called on every authenticated
// request, it writes at most once an hour per user and address on each node.
func (s *Service) RecordIP(ctx context.Context, id shard.ID, a netip.Addr) error {
	if !a.IsValid() || id == 0 {
		return nil
	}
	now := s.opts.Now()
	if !s.ips.due(id, a.Unmap(), now) {
		return nil
	}
	if err := s.st.Batch(ctx, ipMutations(id, a, now)); err != nil {
		s.ips.forget(id, a.Unmap())
		return fmt.Errorf("record the address of %d: %w", id, err)
	}
	return nil
}

// UserIPs returns the addresses a user used, the last used first.
func (s *Service) UserIPs(ctx context.Context, id shard.ID) ([]UserIP, error) {
	rows, err := s.st.Scan(ctx, tUserIPs, id.Bytes(), store.Range{})
	if err != nil {
		return nil, fmt.Errorf("load the addresses of %d: %w", id, err)
	}
	out := make([]UserIP, 0, len(rows))
	for _, r := range rows {
		if len(r.CK) != 16 || len(r.Value) != 8 {
			continue
		}
		out = append(out, UserIP{Addr: netip.AddrFrom16([16]byte(r.CK)).Unmap(),
			UsedAt: time.Unix(int64(binary.BigEndian.Uint64(r.Value)), 0).UTC()})
	}
	slices.SortStableFunc(out, func(a, b UserIP) int { return b.UsedAt.Compare(a.UsedAt) })
	return out, nil
}

// UsersByIP returns the users who used an address inside the network p (a single
// address is a /32 or /128), as Mastodon matches user_ips with <<=.
func (s *Service) UsersByIP(ctx context.Context, p netip.Prefix) (map[shard.ID]bool, error) {
	p = p.Masked()
	lo := p.Addr().Unmap()
	hi := lastAddr(p)
	lb, hb := lo.As16(), hi.As16()
	first, last := int(lb[0]), int(hb[0])
	if lo.Is4() {
		first, last = int(lb[12]), int(hb[12])
	}
	upper := append(hb[:], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	out := map[shard.ID]bool{}
	for b := first; b <= last; b++ {
		pk := []byte("6:" + strconv.Itoa(b))
		if lo.Is4() {
			pk = []byte("4:" + strconv.Itoa(b))
		}
		rows, err := s.st.Scan(ctx, tIPUsers, pk, store.Range{Lower: store.Incl(lb[:]), Upper: store.Incl(upper)})
		if err != nil {
			return nil, fmt.Errorf("find the users of %s: %w", p, err)
		}
		for _, r := range rows {
			if len(r.CK) == 24 {
				out[shard.FromBytes(r.CK[16:])] = true
			}
		}
	}
	return out, nil
}

// lastAddr is the highest address of a network.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().Unmap()
	if a.Is4() {
		b := a.As4()
		for i := p.Bits(); i < 32; i++ {
			b[i/8] |= 0x80 >> (i % 8)
		}
		return netip.AddrFrom4(b)
	}
	b := a.As16()
	for i := p.Bits(); i < 128; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom16(b)
}

// ParseIPQuery reads an address or a network (CIDR) as the admin API's ip filter
// takes them; ok is false for anything else.
func ParseIPQuery(v string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(v); err == nil {
		if p.Addr().Is4In6() {
			if p.Bits() < 96 {
				return netip.Prefix{}, false
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p, true
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// ipsSeen is when this node last wrote each user's address.
type ipsSeen struct {
	mu   sync.Mutex
	last map[userAddr]time.Time
}

type userAddr struct {
	id   shard.ID
	addr netip.Addr
}

// due reports whether the address is to be written now, and takes it as written.
func (l *ipsSeen) due(id shard.ID, a netip.Addr, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil || len(l.last) >= loginsKept {
		l.last = make(map[userAddr]time.Time)
	}
	k := userAddr{id, a}
	if at, ok := l.last[k]; ok && now.Sub(at) < ipRewrite && !now.Before(at) {
		return false
	}
	l.last[k] = now
	return true
}

func (l *ipsSeen) forget(id shard.ID, a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.last, userAddr{id, a})
}

// ipDeletions are the deletions of a user's addresses (a rejected registration's).
func (s *Service) ipDeletions(ctx context.Context, id shard.ID) ([]store.Mutation, error) {
	ips, err := s.UserIPs(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []store.Mutation
	for _, ip := range ips {
		for _, m := range ipMutations(id, ip.Addr, ip.UsedAt) {
			m.Kind, m.Value = store.Delete, nil
			out = append(out, m)
		}
	}
	return out, nil
}
