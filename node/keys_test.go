package node

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestKeys: every setting of Config is a key, with the environment variable and flag
// its name makes; the names deployments already use are among them.
func TestKeys(t *testing.T) {
	byEnv := map[string]Key{}
	for _, k := range Keys() {
		if k.Help == "" {
			t.Errorf("key %s has no help tag", k.Name)
		}
		if _, dup := byEnv[k.Env]; dup {
			t.Errorf("two keys read %s", k.Env)
		}
		byEnv[k.Env] = k
	}
	for env, name := range map[string]string{"HERD_LISTEN": "listen", "HERD_DOMAIN": "domain", "HERD_DATA": "data",
		"HERD_NODE_ID": "node_id", "HERD_ROLES": "roles", "HERD_STORE": "store", "HERD_SCYLLA_HOSTS": "scylla.hosts",
		"HERD_SCYLLA_KEYSPACE": "scylla.keyspace", "HERD_BUS": "bus", "HERD_KAFKA_BROKERS": "kafka.brokers",
		"HERD_KAFKA_PREFIX": "kafka.prefix", "HERD_CLUSTER_SEEDS": "cluster.seeds", "HERD_CLUSTER_BIND": "cluster.bind",
		"HERD_CLUSTER_ADVERTISE": "cluster.advertise", "HERD_OPS": "ops",
		"HERD_CLUSTER_SECRET": "cluster.secret", "HERD_RATE_LIMIT": "rate_limit", "HERD_SCHEME": "scheme",
		"HERD_FEDERATION_HTTP": "federation_http", "HERD_ALLOW_PRIVATE_ADDRESSES": "allow_private_addresses",
		"HERD_EXTRA_CA": "extra_ca"} {
		if byEnv[env].Name != name {
			t.Errorf("%s sets %q, want %q", env, byEnv[env].Name, name)
		}
	}
	if k := byEnv["HERD_FEDERATION_HTTP"]; k.Flag != "federation-http" || !k.Bool {
		t.Errorf("federation_http: %+v", k)
	}
	if !byEnv["HERD_CLUSTER_SECRET"].Secret {
		t.Error("cluster.secret is not masked")
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "herd.toml")
	if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestLoadConfigPrecedence: the file, then the environment, then the flags.
func TestLoadConfigPrecedence(t *testing.T) {
	file := writeFile(t, "title = \"from the file\"\ndomain = \"file.example\"\nrate_limit = 10\nfederation_http = true\n"+
		"[scylla]\nhosts = [\"a:9042\"]\n")
	env := map[string]string{"HERD_DOMAIN": "env.example", "HERD_RATE_LIMIT": "20", "HERD_SCYLLA_HOSTS": "b:9042, c:9042",
		"HERD_FEDERATION_HTTP": "false", "HERD_RESOLVE_BUDGET": "2s"}
	c, err := LoadConfig(Sources{File: file, Getenv: func(k string) string { return env[k] },
		Flags: map[string]string{"rate_limit": "30", "no_sync": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "from the file" || c.Domain != "env.example" || c.RateLimit != 30 || c.FederationHTTP || !c.NoSync ||
		!slices.Equal(c.Scylla.Hosts, []string{"b:9042", "c:9042"}) || c.ResolveBudget != 2*time.Second {
		t.Fatalf("config %+v", c)
	}
	if c.Scheme != "https" || c.Listen != "127.0.0.1:8080" {
		t.Fatalf("defaults not filled: %+v", c)
	}
}

// TestLoadConfigRefuses: an unknown key, a value that does not parse and an invalid
// setting are refused with a message naming the key and its source.
func TestLoadConfigRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  Sources
		want []string
	}{
		{"unknown key in the file", Sources{File: writeFile(t, "titel = \"x\"\n[kafka]\nbrokerz = [\"k\"]\n")},
			[]string{"unknown key", "kafka.brokerz", "titel"}},
		{"number from the environment", Sources{Getenv: func(k string) string { return map[string]string{"HERD_NODE_ID": "x"}[k] }},
			[]string{"HERD_NODE_ID", "node_id", `"x"`}},
		{"duration from a flag", Sources{Flags: map[string]string{"resolve_budget": "soon"}},
			[]string{"--resolve-budget", "resolve_budget"}},
		{"invalid setting", Sources{Flags: map[string]string{"registrations": "maybe"}},
			[]string{"registrations", "maybe"}},
		{"negative minimum age", Sources{Getenv: func(k string) string {
			return map[string]string{"HERD_REGISTRATIONS_MIN_AGE": "-2"}[k]
		}}, []string{"registrations_min_age", "-2"}},
		{"poll shorter than a second", Sources{Flags: map[string]string{"poll_min_expiration": "500ms"}},
			[]string{"poll_min_expiration", "500ms"}},
		{"poll in parts of seconds", Sources{Flags: map[string]string{"poll_min_expiration": "1500ms"}},
			[]string{"poll_min_expiration", "1.5s"}},
		{"ratio out of range", Sources{Flags: map[string]string{"tracing.sample": "1.5"}},
			[]string{"tracing.sample", "1.5"}},
		{"ratio that does not parse", Sources{Flags: map[string]string{"tracing.sample": "half"}},
			[]string{"tracing.sample", "half"}},
		{"tracing endpoint not a URL", Sources{Flags: map[string]string{"tracing.endpoint": "collector:4318"}},
			[]string{"tracing.endpoint", "collector:4318"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(tc.src)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

// TestConfigTOMLRoundTrip: what `herd config print` writes reads back to the same
// configuration, every key included; secrets are masked when asked.
func TestConfigTOMLRoundTrip(t *testing.T) {
	c := Config{Listen: "127.0.0.1:9000", Domain: "social.example", Title: "a \"quoted\" \\ title\twith\x01controls",
		NodeID: 7, MaxCharacters: 1000, HotFollowers: 1 << 40, RateLimit: -1, NoSync: true, ResolveBudget: 1500 * time.Millisecond,
		Roles: []string{"api"}, Store: "scylla", Scylla: ScyllaConfig{Hosts: []string{"a:9042", "b:9042"}, Timeout: time.Minute},
		Bus: "kafka", Kafka: KafkaConfig{Brokers: []string{"k:9092"}}, Cluster: ClusterConfig{Secret: "MDEyMzQ1Njc4OWFiY2RlZg=="},
		Tracing: TracingConfig{Endpoint: "http://collector:4318/v1/traces", Sample: 0.25}}
	c = c.WithDefaults()
	back, err := LoadConfig(Sources{File: writeFile(t, c.TOML(false))})
	if err != nil {
		t.Fatalf("%v\n%s", err, c.TOML(false))
	}
	if back.TOML(false) != c.TOML(false) || back.Title != c.Title || !reflect.DeepEqual(back.Scylla, c.Scylla) || back.Tracing != c.Tracing {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, c)
	}
	if masked := c.TOML(true); strings.Contains(masked, c.Cluster.Secret) || !strings.Contains(masked, `cluster.secret = "***"`) {
		t.Fatalf("secret not masked:\n%s", masked)
	}
}
