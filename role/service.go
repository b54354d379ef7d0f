package role

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

const tRoles = "user_roles" // "all" → role id → Role (built-ins only once changed)

// Schema lists the tables this package uses.
func Schema() store.Schema { return store.Schema{{Name: tRoles}} }

var (
	// ErrNotFound is a role that does not exist.
	ErrNotFound = errors.New("role: not found")
	// ErrForbidden is a change the acting role may not make: a role at or above its
	// own position, privileges it does not have, its own role, or a built-in role's removal.
	ErrForbidden = errors.New("role: not allowed")
)

// Options configure the service.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Service keeps the roles.
type Service struct {
	st    store.Store
	ids   *shard.Generator
	now   func() time.Time
	audit Auditor // nil: changes are not logged (WithAudit)
}

// New returns the role service on st.
func New(st store.Store, ids *shard.Generator, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{st: st, ids: ids, now: o.Now}
}

var all = []byte("all")

func key(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

// List returns every role, the everyone role first, then by position.
func (s *Service) List(ctx context.Context) ([]*Role, error) {
	rows, err := s.st.Scan(ctx, tRoles, all, store.Range{})
	if err != nil {
		return nil, fmt.Errorf("load roles: %w", err)
	}
	byID := map[int64]*Role{}
	for _, r := range builtIns() {
		byID[r.ID] = r
	}
	for _, row := range rows {
		var r Role
		if err := store.Unmarshal(row.Value, &r); err != nil {
			return nil, fmt.Errorf("decode role: %w", err)
		}
		byID[r.ID] = &r
	}
	out := make([]*Role, 0, len(byID))
	for _, r := range byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Role) int { return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

// Get returns one role, or ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64) (*Role, error) {
	b, err := s.st.Get(ctx, tRoles, all, key(id))
	if errors.Is(err, store.ErrNotFound) {
		for _, r := range builtIns() {
			if r.ID == id {
				return r, nil
			}
		}
		return nil, fmt.Errorf("role %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load role %d: %w", id, err)
	}
	var r Role
	if err := store.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode role %d: %w", id, err)
	}
	return &r, nil
}

// Of returns the role with id as a user holds it, and what it may do: a role that
// was removed leaves its holders with the everyone role.
func (s *Service) Of(ctx context.Context, id int64) (*Actor, error) {
	everyone, err := s.Get(ctx, Everyone)
	if err != nil {
		return nil, err
	}
	r := everyone
	if id != Everyone {
		if r, err = s.Get(ctx, id); errors.Is(err, ErrNotFound) {
			r = everyone
		} else if err != nil {
			return nil, err
		}
	}
	return &Actor{Role: r, Can: r.Computed(everyone.Permissions)}, nil
}

// Actor is a role acting, with its computed permissions. A nil *Actor is the
// operator at the command line, who may do anything.
type Actor struct {
	Role *Role
	Can  Permissions
	// Account is who acts, for the audit log (set by the caller).
	Account shard.ID
}

// Has reports whether the actor holds any of the privileges in p.
func (a *Actor) Has(p Permissions) bool { return a == nil || a.Can&p != 0 }

// Change is what an admin gives; nil leaves a field alone on update.
type Change struct {
	Name, Color *string
	Position    *int
	Permissions *Permissions
	Highlighted *bool
}

func (c Change) apply(r *Role) {
	set(&r.Name, c.Name)
	set(&r.Color, c.Color)
	set(&r.Position, c.Position)
	set(&r.Permissions, c.Permissions)
	set(&r.Highlighted, c.Highlighted)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Create adds a role made by by.
func (s *Service) Create(ctx context.Context, by *Actor, c Change) (*Role, error) {
	now := s.now().UTC()
	r := &Role{ID: int64(s.ids.Next()), CreatedAt: now, UpdatedAt: now}
	c.apply(r)
	if err := by.mayShape(r, nil); err != nil {
		return nil, err
	}
	if err := s.put(ctx, r); err != nil {
		return nil, err
	}
	return r, s.record(ctx, by, "create_user_role", "UserRole", r.Name)
}

// Update changes a role.
func (s *Service) Update(ctx context.Context, by *Actor, id int64, c Change) (*Role, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	before := *r
	if err := by.mayTouch(r); err != nil {
		return nil, err
	}
	c.apply(r)
	if r.IsEveryone() {
		r.Name, r.Position = "", -1
	}
	r.UpdatedAt = s.now().UTC()
	if err := by.mayShape(r, &before); err != nil {
		return nil, err
	}
	if err := s.put(ctx, r); err != nil {
		return nil, err
	}
	return r, s.record(ctx, by, "update_user_role", "UserRole", r.Name)
}

// Delete removes a role made by an admin; its holders keep the everyone role.
func (s *Service) Delete(ctx context.Context, by *Actor, id int64) error {
	r, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if r.BuiltIn() {
		return fmt.Errorf("delete built-in role %d: %w", id, ErrForbidden)
	}
	if err := by.mayTouch(r); err != nil {
		return err
	}
	if err := s.st.Delete(ctx, tRoles, all, key(id)); err != nil {
		return fmt.Errorf("delete role %d: %w", id, err)
	}
	return s.record(ctx, by, "destroy_user_role", "UserRole", r.Name)
}

func (s *Service) put(ctx context.Context, r *Role) error {
	if err := r.validate(); err != nil {
		return err
	}
	b, err := store.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode role %d: %w", r.ID, err)
	}
	if err := s.st.Put(ctx, tRoles, all, key(r.ID), b, 0); err != nil {
		return fmt.Errorf("save role %d: %w", r.ID, err)
	}
	return nil
}

// mayTouch refuses changes to a role the actor does not stand above, its own
// excepted (whose name and colour it may change), as Mastodon's UserRolePolicy.
func (a *Actor) mayTouch(r *Role) error {
	if a == nil || a.Role.ID == r.ID || a.Role.Overrides(r) {
		return nil
	}
	return fmt.Errorf("change role %d: %w", r.ID, ErrForbidden)
}

// mayShape refuses a role with privileges the actor lacks, a position above its
// own, or changes to the privileges or position of its own role.
func (a *Actor) mayShape(r, before *Role) error {
	switch {
	case a == nil:
		return nil
	case a.Can&r.Permissions != r.Permissions, r.Position > a.Role.Position:
		return fmt.Errorf("role %d above its maker: %w", r.ID, ErrForbidden)
	case before != nil && a.Role.ID == r.ID && (before.Permissions != r.Permissions || before.Position != r.Position):
		return fmt.Errorf("change own role %d: %w", r.ID, ErrForbidden)
	}
	return nil
}

// MayAssign reports whether the actor may take a user from role from to role to:
// both must stand below the actor's own position (the operator may do anything).
func (a *Actor) MayAssign(from, to *Role) error {
	if a == nil {
		return nil
	}
	if !a.Has(ManageRoles) || !a.Role.Overrides(from) || (!to.IsEveryone() && !a.Role.Overrides(to)) {
		return fmt.Errorf("assign role %d: %w", to.ID, ErrForbidden)
	}
	return nil
}
