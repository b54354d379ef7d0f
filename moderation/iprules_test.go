package moderation_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/herd-social/herd/moderation"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// ipService is a moderation service on a store of its own, with a clock the test
// moves and a refresh interval of a minute.
func ipService(t testing.TB, now *time.Time) (*moderation.Service, *moderation.IPRules) {
	st := testrig.Store(t, moderation.Schema()...)
	clock := func() time.Time { return *now }
	ids, err := shard.NewGenerator(1, 8, clock)
	if err != nil {
		t.Fatal(err)
	}
	s := moderation.New(st, ids, nil, nil, moderation.Options{Now: clock, IPRefresh: time.Minute})
	return s, moderation.NewIPRules(st, clock, time.Minute)
}

func block(t testing.TB, s *moderation.Service, ip, severity string, expiresIn *int64) *moderation.IPBlock {
	b, err := s.CreateIPBlock(context.Background(), 1, moderation.IPBlockInput{IP: &ip, Severity: &severity, ExpiresIn: expiresIn})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestIPRules: the severities of the blocks covering an address, by family and
// prefix length, active ones only; a service's own changes apply at once, another
// reader's copy is reloaded when it is older than the interval.
func TestIPRules(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	s, other := ipService(t, &now)
	ctx := context.Background()
	hour := int64(3600)
	block(t, s, "10.0.0.0/8", moderation.SeveritySignUpApproval, nil)
	block(t, s, "10.1.2.0/24", moderation.SeveritySignUpBlock, nil)
	block(t, s, "10.1.2.3", moderation.SeverityNoAccess, &hour)
	six := block(t, s, "2001:db8::/32", moderation.SeverityNoAccess, nil)
	for _, tc := range []struct {
		addr string
		want []string
	}{
		{"10.9.9.9", []string{"sign_up_requires_approval"}},
		{"10.1.2.9", []string{"sign_up_requires_approval", "sign_up_block"}},
		{"10.1.2.3", []string{"sign_up_requires_approval", "sign_up_block", "no_access"}},
		{"::ffff:10.1.2.3", []string{"sign_up_requires_approval", "sign_up_block", "no_access"}},
		{"11.0.0.1", nil},
		{"2001:db8:1::1", []string{"no_access"}},
		{"2001:db9::1", nil},
	} {
		got, err := s.IPs().Severities(ctx, netip.MustParseAddr(tc.addr))
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.addr, got, err, tc.want)
		}
	}
	if got, _ := s.IPs().Severities(ctx, netip.Addr{}); got != nil {
		t.Errorf("an unknown address: %v", got)
	}
	// Past its expiry a block no longer applies.
	now = now.Add(2 * time.Hour)
	if blocked, _ := s.IPs().NoAccess(ctx, netip.MustParseAddr("10.1.2.3")); blocked {
		t.Error("an expired no_access block still applies")
	}
	// Another node's copy: loaded now, stale after the interval.
	if blocked, _ := other.NoAccess(ctx, netip.MustParseAddr("2001:db8::1")); !blocked {
		t.Error("the other reader does not see the block")
	}
	if err := s.DeleteIPBlock(ctx, 1, six.ID); err != nil {
		t.Fatal(err)
	}
	if blocked, _ := s.IPs().NoAccess(ctx, netip.MustParseAddr("2001:db8::1")); blocked {
		t.Error("the service's own copy kept a deleted block")
	}
	if blocked, _ := other.NoAccess(ctx, netip.MustParseAddr("2001:db8::1")); !blocked {
		t.Error("the other reader reloaded before its interval ended")
	}
	now = now.Add(time.Minute)
	if blocked, _ := other.NoAccess(ctx, netip.MustParseAddr("2001:db8::1")); blocked {
		t.Error("the other reader kept a deleted block past its interval")
	}
	if some, _ := other.HasNoAccess(ctx); some {
		t.Error("HasNoAccess with only an expired no_access block")
	}
}

// BenchmarkIPCheck measures the check every request pays: HasNoAccess alone while
// no block refuses access, and the lookup of an address among 1,000 blocks of
// mixed lengths (IPv4 and IPv6) when some do.
func BenchmarkIPCheck(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{0, 1000} {
		now := time.Now()
		s, _ := ipService(b, &now)
		for i := range n {
			ip := fmt.Sprintf("10.%d.%d.0/%d", i/256, i%256, 16+i%9)
			if i%2 == 1 {
				ip = fmt.Sprintf("2001:db8:%x::/%d", i, 48+i%17)
			}
			sev := moderation.SeveritySignUpBlock
			if i%10 == 0 {
				sev = moderation.SeverityNoAccess
			}
			if _, err := s.CreateIPBlock(ctx, 1, moderation.IPBlockInput{IP: &ip, Severity: &sev}); err != nil &&
				err.Error() != "Validation failed: Ip has already been taken" {
				b.Fatal(err)
			}
		}
		addr := netip.MustParseAddr("192.0.2.1")
		rules := s.IPs()
		b.Run(fmt.Sprintf("blocks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				some, err := rules.HasNoAccess(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if some {
					if blocked, _ := rules.NoAccess(ctx, addr); blocked {
						b.Fatal("blocked")
					}
				}
			}
		})
	}
}
