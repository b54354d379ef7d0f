package role_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/herd-social/herd/role"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/testrig"
)

// TestBits: the privileges have Mastodon's bit values (app/models/user_role.rb).
func TestBits(t *testing.T) {
	for name, want := range map[string]role.Permissions{"administrator": 1, "view_devops": 2, "view_audit_log": 4,
		"view_dashboard": 8, "manage_reports": 16, "manage_federation": 32, "manage_settings": 64, "manage_blocks": 128,
		"manage_taxonomies": 256, "manage_appeals": 512, "manage_users": 1024, "manage_invites": 2048,
		"manage_rules": 4096, "manage_announcements": 8192, "manage_custom_emojis": 16384, "manage_webhooks": 32768,
		"invite_users": 65536, "manage_roles": 131072, "manage_user_access": 262144, "delete_user_data": 524288} {
		if got, err := role.ParsePermissions(name); err != nil || got != want {
			t.Errorf("%s: %d %v, want %d", name, got, err, want)
		}
	}
	if role.All != 1048575 || len(role.All.Names()) != 20 {
		t.Errorf("All = %d with %d names", role.All, len(role.All.Names()))
	}
	for _, bad := range []string{"manage_everything", "1048576"} {
		if _, err := role.ParsePermissions(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if p, err := role.ParsePermissions("manage_rules, manage_reports"); err != nil || p != 4096|16 {
		t.Errorf("a list: %d %v", p, err)
	}
}

func TestComputed(t *testing.T) {
	for _, tc := range []struct {
		r              role.Role
		everyone, want role.Permissions
	}{
		{role.Role{ID: 7, Permissions: role.ManageRules}, role.InviteUsers, role.ManageRules | role.InviteUsers},
		{role.Role{ID: 7, Permissions: role.Administrator}, 0, role.All},
		{role.Role{ID: role.Everyone, Permissions: role.InviteUsers}, role.InviteUsers, role.InviteUsers},
		{role.Role{ID: 7}, 0, role.None},
	} {
		if got := tc.r.Computed(tc.everyone); got != tc.want {
			t.Errorf("%+v with everyone %d: %d, want %d", tc.r, tc.everyone, got, tc.want)
		}
	}
}

func newService(t *testing.T) *role.Service {
	ids, err := shard.NewGenerator(0, 10, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	return role.New(testrig.Store(t, role.Schema()...), ids, role.Options{})
}

// TestPositions: an actor makes, changes and hands out only roles below its own
// position and with privileges it holds; the operator (nil) is not bound.
func TestPositions(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	admin, err := s.Of(ctx, role.Admin)
	if err != nil {
		t.Fatal(err)
	}
	name, high, low := func(n string) *string { return &n }, 200, 50
	rules := role.ManageRules
	if _, err := s.Create(ctx, admin, role.Change{Name: name("High"), Position: &high}); !errors.Is(err, role.ErrForbidden) {
		t.Errorf("a role above the admin's: %v", err)
	}
	root := role.Administrator
	if _, err := s.Create(ctx, admin, role.Change{Name: name("Root"), Position: &low, Permissions: &root}); !errors.Is(err, role.ErrForbidden) {
		t.Errorf("a privilege the admin lacks: %v", err)
	}
	helper, err := s.Create(ctx, admin, role.Change{Name: name("Helper"), Position: &low, Permissions: &rules})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, nil, role.Change{Name: name("Top"), Position: &high, Permissions: &root}); err != nil {
		t.Errorf("the operator: %v", err)
	}
	if _, err := s.Update(ctx, admin, role.Admin, role.Change{Permissions: &rules}); !errors.Is(err, role.ErrForbidden) {
		t.Errorf("the admin's own privileges: %v", err)
	}
	owner, everyone := mustGet(t, s, role.Owner), mustGet(t, s, role.Everyone)
	for _, tc := range []struct {
		from, to *role.Role
		ok       bool
	}{
		{everyone, helper, true}, {helper, everyone, true}, {everyone, mustGet(t, s, role.Moderator), true},
		{everyone, admin.Role, false}, {everyone, owner, false}, {owner, everyone, false},
	} {
		if err := admin.MayAssign(tc.from, tc.to); (err == nil) != tc.ok {
			t.Errorf("admin takes %q to %q: %v", tc.from.Name, tc.to.Name, err)
		}
	}
	if err := s.Delete(ctx, nil, role.Moderator); !errors.Is(err, role.ErrForbidden) {
		t.Errorf("delete a built-in role: %v", err)
	}
	if err := s.Delete(ctx, admin, helper.ID); err != nil {
		t.Fatal(err)
	}
	if a, err := s.Of(ctx, helper.ID); err != nil || !a.Role.IsEveryone() {
		t.Errorf("a removed role's holders: %+v %v", a, err)
	}
}

// TestEveryoneLimits: the everyone role keeps no name or position and holds no more
// than invite_users; a colour must be one.
func TestEveryoneLimits(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	reports := role.ManageReports
	var v *role.Validation
	if _, err := s.Update(ctx, nil, role.Everyone, role.Change{Permissions: &reports}); !errors.As(err, &v) {
		t.Errorf("everyone with manage_reports: %v", err)
	}
	red := "red"
	if _, err := s.Update(ctx, nil, role.Moderator, role.Change{Color: &red}); !errors.As(err, &v) {
		t.Errorf("colour red: %v", err)
	}
	none := role.None
	r, err := s.Update(ctx, nil, role.Everyone, role.Change{Permissions: &none})
	if err != nil || r.Position != -1 || r.Name != "" {
		t.Fatalf("everyone emptied: %+v %v", r, err)
	}
	mod, err := s.Of(ctx, role.Moderator)
	if err != nil || mod.Can&role.InviteUsers == 0 {
		t.Errorf("the moderator keeps its own invite_users: %+v %v", mod, err)
	}
}

func mustGet(t *testing.T, s *role.Service, id int64) *role.Role {
	t.Helper()
	r, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
