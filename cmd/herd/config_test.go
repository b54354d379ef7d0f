package main

import (
	"flag"
	"testing"
)

// TestConfigFlags: every key is a flag, a boolean one needs no value, and the flags
// override the environment.
func TestConfigFlags(t *testing.T) {
	t.Setenv("HERD_DOMAIN", "env.example")
	t.Setenv("HERD_NODE_ID", "4")
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	load := configFlags(fs)
	if err := fs.Parse([]string{"--domain", "flag.example", "--federation-http", "--scylla-hosts", "a:9042,b:9042",
		"--resolve-budget=3s", "--tracing-endpoint", "http://collector:4318/v1/traces", "--tracing-sample", "0.1"}); err != nil {
		t.Fatal(err)
	}
	c, err := load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Domain != "flag.example" || c.NodeID != 4 || !c.FederationHTTP || len(c.Scylla.Hosts) != 2 || c.ResolveBudget.String() != "3s" ||
		c.Tracing.Endpoint != "http://collector:4318/v1/traces" || c.Tracing.Sample != 0.1 {
		t.Fatalf("config %+v", c)
	}
}

// TestHelpIsNotAnError: asking any command for help prints it and succeeds, without
// opening a data directory.
func TestHelpIsNotAnError(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"admin", "--help"}, {"admin", "migrate", "--help"},
		{"admin", "token", "-h"}, {"serve", "--help"}, {"config", "--help"}, {"config", "print", "--help"}} {
		if err := run(args); err != nil {
			t.Errorf("herd %v: %v", args, err)
		}
	}
	if err := run([]string{"config", "print", "--no-such-flag"}); err == nil {
		t.Error("an unknown flag was accepted")
	}
}
