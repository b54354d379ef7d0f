package main

import "testing"

func TestRulesUsage(t *testing.T) {
	ok := [][]string{{"--help"}, {"help"}, {"list", "--help"}, {"add", "-h"}}
	bad := [][]string{{}, {"frob"}, {"add update"}, {"add", "--priority"}}
	usageCases(t, "rule", ok, bad)
	usageCases(t, "content-rule", ok, bad)
}

func TestRolesUsage(t *testing.T) {
	usageCases(t, "role", [][]string{{"--help"}, {"help"}, {"list", "--help"}, {"assign", "-h"}},
		[][]string{{}, {"frob"}, {"create", "--position", "x"}, {"create", "--permissions", "manage_all"}})
}
