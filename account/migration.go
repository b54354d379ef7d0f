package account

import (
	"errors"
	"time"
)

// The refusals of an alias, a migration or a redirect (activitypub's Migrate and
// its kin), as Mastodon words them.
var (
	ErrMoveTargetNotFound = errors.New("account: move target not found")
	ErrMoveNotAlias       = errors.New("account: move target does not list the account as an alias")
	ErrMoveAlreadyMoved   = errors.New("account: the account already moved to the target")
	ErrMoveToSelf         = errors.New("account: the account cannot move to itself")
	ErrMoveCooldown       = errors.New("account: the account moved less than the cooldown ago")
	ErrAliasTaken         = errors.New("account: the alias is listed already")
)

// MoveCooldown is the time after a migration before the account may migrate again,
// Mastodon's AccountMigration::COOLDOWN_PERIOD.
const MoveCooldown = 30 * 24 * time.Hour
