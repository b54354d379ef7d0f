package main

import "testing"

func TestDeadLettersUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"list", "--help"}, {"replay", "-h"}} {
		if err := adminDeadLetters(args); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
	for _, args := range [][]string{{}, {"frob"}, {"replay"}, {"replay", "--all", "a/b/1/2"}} {
		if err := adminDeadLetters(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
