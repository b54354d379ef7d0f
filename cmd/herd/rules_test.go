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

func TestRolesUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"list", "--help"}, {"assign", "-h"}} {
		if err := adminRoles(args); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
	for _, args := range [][]string{{}, {"frob"}, {"create", "--position", "x"}, {"create", "--permissions", "manage_all"}} {
		if err := adminRoles(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
