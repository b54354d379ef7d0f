package node

import "testing"

// TestDeployConfig checks that the configuration files under ops/ load (no unknown
// key, every value valid) with the environment their deployments add.
func TestDeployConfig(t *testing.T) {
	for _, tc := range []struct {
		file string
		env  map[string]string
	}{
		{"../ops/compose/herd.toml", map[string]string{"HERD_NODE_ID": "2"}},
	} {
		if _, err := LoadConfig(Sources{File: tc.file, Getenv: func(k string) string { return tc.env[k] }}); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
	}
}
