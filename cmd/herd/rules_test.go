package main

import "testing"

func TestRulesUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"list", "--help"}, {"add", "-h"}} {
		if err := adminRules(args, false); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
	for _, args := range [][]string{{}, {"frob"}, {"add update"}, {"add", "--priority"}} {
		if err := adminRules(args, true); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
