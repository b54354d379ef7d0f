// Package pebblelog sends the messages of an embedded Pebble database (the store's and
// the local event log's) to slog. It is a pure helper: it imports nothing of the
// module, and the engines that embed Pebble are the only ones to import it.
package pebblelog

import (
	"fmt"
	"log/slog"
)

// Logger is Pebble's logger (pebble.Logger) over slog. Pebble's informational messages
// (flushes, compactions, WAL recycling) are logged at info level, its errors at error
// level; every record carries engine=pebble and the name of the database.
type Logger struct {
	Log *slog.Logger
	// DB names the database in the records, "store" or "bus".
	DB string
}

// Infof logs an informational message.
func (l Logger) Infof(format string, args ...any) {
	l.Log.Info(fmt.Sprintf(format, args...), "engine", "pebble", "db", l.DB)
}

// Errorf logs an error.
func (l Logger) Errorf(format string, args ...any) {
	l.Log.Error(fmt.Sprintf(format, args...), "engine", "pebble", "db", l.DB)
}

// Fatalf logs and panics: Pebble calls it on corruption it cannot continue from.
func (l Logger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.Log.Error(msg, "engine", "pebble", "db", l.DB)
	panic("pebble " + l.DB + ": " + msg)
}
