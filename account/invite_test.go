package account_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/paging"
)

// TestInviteUsesNeverExceedMax: ten registrations at once with an invite of three
// uses: three get in, seven are refused with ErrInviteInvalid and leave their
// usernames free; the invite counts three uses. On the cluster shape the slots are
// CQL lightweight transactions, so this holds across nodes too.
func TestInviteUsesNeverExceedMax(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	maker := r.register(t, "maker")
	inv, err := r.svc.CreateInvite(ctx, maker.ID, account.NewInvite{MaxUses: 3})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() {
			name := fmt.Sprintf("user%d", i)
			_, _, errs[i] = r.svc.Register(ctx, account.Registration{Username: name, Email: name + "@mail.example",
				Password: "long enough password", Agreement: true, Invite: inv})
		})
	}
	wg.Wait()
	in, refused := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			in++
		case errors.Is(err, account.ErrInviteInvalid):
			refused++
			r.register(t, fmt.Sprintf("user%d", i)) // the name was given back
		default:
			t.Errorf("registration %d: %v", i, err)
		}
	}
	if in != 3 || refused != 7 {
		t.Errorf("%d got in and %d were refused, want 3 and 7", in, refused)
	}
	got, err := r.svc.Invite(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Uses != 3 || got.Usable(r.now) {
		t.Errorf("after the sign-ups: %d uses, usable %v", got.Uses, got.Usable(r.now))
	}
}

// TestInviteLifecycle: codes are 8 characters and unique, an invite expires in its
// time and by ExpireInvite, an expired one refuses registrations, and the lists
// (the maker's, everyone's) come newest first.
func TestInviteLifecycle(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	maker := r.register(t, "maker")
	other := r.register(t, "other")
	soon, err := r.svc.CreateInvite(ctx, maker.ID, account.NewInvite{ExpiresIn: 30 * time.Minute, Comment: "soon"})
	if err != nil {
		t.Fatal(err)
	}
	forever, err := r.svc.CreateInvite(ctx, maker.ID, account.NewInvite{Autofollow: true})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := r.svc.CreateInvite(ctx, other.ID, account.NewInvite{})
	if err != nil {
		t.Fatal(err)
	}
	if len(soon.Code) != 8 || soon.Code == forever.Code {
		t.Errorf("codes %q and %q", soon.Code, forever.Code)
	}
	if _, err := r.svc.CreateInvite(ctx, maker.ID, account.NewInvite{ExpiresIn: time.Minute}); err == nil {
		t.Error("an expiry Mastodon does not offer was taken")
	}
	byCode, err := r.svc.InviteByCode(ctx, forever.Code)
	if err != nil || byCode.ID != forever.ID || !byCode.Autofollow {
		t.Errorf("by code: %+v, %v", byCode, err)
	}
	if _, err := r.svc.InviteByCode(ctx, "nothing1"); !errors.Is(err, account.ErrInviteInvalid) {
		t.Errorf("an unknown code: %v", err)
	}
	r.now = r.now.Add(30 * time.Minute)
	reg := account.Registration{Username: "late", Email: "late@mail.example", Password: "long enough password",
		Agreement: true, Invite: soon}
	if _, _, err := r.svc.Register(ctx, reg); !errors.Is(err, account.ErrInviteInvalid) {
		t.Errorf("an expired invite: %v", err)
	}
	if _, err := r.svc.ExpireInvite(ctx, forever.ID); err != nil {
		t.Fatal(err)
	}
	mine, err := r.svc.Invites(ctx, maker.ID, paging.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 2 || mine[0].ID != forever.ID || mine[1].ID != soon.ID || !mine[0].Expired(r.now) {
		t.Errorf("the maker's invites: %+v", mine)
	}
	all, err := r.svc.Invites(ctx, 0, paging.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].ID != theirs.ID {
		t.Errorf("every invite: %+v", all)
	}
}
