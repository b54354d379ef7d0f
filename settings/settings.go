// Package settings owns the instance settings an admin changes while the nodes run,
// as Mastodon's Setting (what tootctl settings and the admin's site settings change):
// today who may register. A stored setting overrides its configuration key on every
// node from the next request on, until it is reset; without one the configuration
// holds. It must not know HTTP, ActivityPub or engines.
package settings

import (
	"context"
	"errors"
	"fmt"

	"github.com/herd-social/herd/store"
)

const tSettings = "instance_settings" // "all" → setting name → value

var (
	all              = []byte("all")
	keyRegistrations = []byte("registrations")
)

// Schema lists the tables this package uses.
func Schema() store.Schema { return store.Schema{{Name: tSettings}} }

// Registrations is who may sign up.
type Registrations string

const (
	// Open lets anyone register.
	Open Registrations = "open"
	// Approval makes each new account wait for a moderator, with a reason given.
	Approval Registrations = "approval"
	// Closed lets only the holders of a usable invite register.
	Closed Registrations = "closed"
)

// ParseRegistrations reads a mode: Herd's words (open, approval, closed) or
// tootctl's (approved, close).
func ParseRegistrations(s string) (Registrations, error) {
	switch s {
	case "open":
		return Open, nil
	case "approval", "approved":
		return Approval, nil
	case "closed", "close":
		return Closed, nil
	}
	return "", fmt.Errorf("settings: registrations %q: give open, approval or closed", s)
}

// Open reports whether anyone may sign up without an invite, waiting or not.
func (r Registrations) Open() bool { return r != Closed }

// ApprovalRequired reports whether new accounts wait for a moderator.
func (r Registrations) ApprovalRequired() bool { return r == Approval }

// Service reads and changes the settings.
type Service struct {
	st store.Store
	// registrations is the configuration's mode, which holds while none is stored.
	registrations Registrations
}

// New returns the settings of st, with the configuration's registrations mode.
func New(st store.Store, registrations Registrations) *Service {
	return &Service{st: st, registrations: registrations}
}

// Registrations is the mode in force: the stored one, else the configuration's.
func (s *Service) Registrations(ctx context.Context) (Registrations, error) {
	r, _, err := s.StoredRegistrations(ctx)
	return r, err
}

// StoredRegistrations is the mode in force and whether it was stored (false: the
// configuration's).
func (s *Service) StoredRegistrations(ctx context.Context) (Registrations, bool, error) {
	b, err := s.st.Get(ctx, tSettings, all, keyRegistrations)
	if errors.Is(err, store.ErrNotFound) {
		return s.registrations, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("settings: %w", err)
	}
	r, err := ParseRegistrations(string(b))
	if err != nil { // a value no version of Herd writes: the configuration holds
		return s.registrations, false, nil
	}
	return r, true, nil
}

// SetRegistrations stores r, in force on every node from their next request.
func (s *Service) SetRegistrations(ctx context.Context, r Registrations) error {
	if _, err := ParseRegistrations(string(r)); err != nil {
		return err
	}
	if err := s.st.Put(ctx, tSettings, all, keyRegistrations, []byte(r), 0); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return nil
}

// ResetRegistrations removes the stored mode: the configuration's holds again.
func (s *Service) ResetRegistrations(ctx context.Context) error {
	if err := s.st.Delete(ctx, tSettings, all, keyRegistrations); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return nil
}
