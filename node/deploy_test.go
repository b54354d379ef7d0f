package node

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// TestDeployConfig checks that the configuration files under ops/ decode into Config
// with no unknown key and validate, with the environment their deployments add.
func TestDeployConfig(t *testing.T) {
	for _, tc := range []struct {
		file string
		env  map[string]string
	}{
		{"../ops/compose/herd.toml", map[string]string{"HERD_NODE_ID": "2"}},
	} {
		var c Config
		md, err := toml.DecodeFile(tc.file, &c)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if u := md.Undecoded(); len(u) > 0 {
			t.Fatalf("%s: unknown keys %v", tc.file, u)
		}
		if err := c.ApplyEnv(func(k string) string { return tc.env[k] }); err != nil {
			t.Fatal(err)
		}
		if err := c.WithDefaults().Validate(); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
	}
}
