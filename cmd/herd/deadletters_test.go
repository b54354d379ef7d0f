package main

import (
	"bytes"
	"testing"
)

// offline are the flags of a command line that finds no node and opens a new data
// directory.
func offline(t *testing.T) []string {
	return []string{"--ops", "off", "--data", t.TempDir(), "--domain", "herd.example"}
}

// usageCases checks that the command lines ok print help and succeed, and that the
// command lines bad fail with exit status 2 (a flag set comes after the first word).
func usageCases(t *testing.T, name string, ok, bad [][]string) {
	t.Helper()
	for _, args := range ok {
		if err := admin(append([]string{name}, args...), &bytes.Buffer{}); err != nil {
			t.Errorf("%s %v: %v", name, args, err)
		}
	}
	for _, args := range bad {
		line := []string{name}
		if len(args) > 0 {
			line = append(append(append(line, args[0]), offline(t)...), args[1:]...)
		}
		if err := admin(line, &bytes.Buffer{}); exitCode(err) != 2 {
			t.Errorf("%v: %v (exit %d)", line, err, exitCode(err))
		}
	}
}

func TestDeadLettersUsage(t *testing.T) {
	usageCases(t, "dead-letters", [][]string{{"--help"}, {"help"}, {"list", "--help"}, {"replay", "-h"}},
		[][]string{{}, {"frob"}, {"replay"}, {"replay", "--all", "a/b/1/2"}})
}
