package node

import (
	"fmt"
	"strconv"
	"strings"
)

// EnvVars lists the environment variables ApplyEnv reads, each with the key it sets.
// Lists are comma-separated.
func EnvVars() [][2]string {
	return [][2]string{
		{"HERD_NODE_ID", "node_id"},
		{"HERD_ROLES", "roles"},
		{"HERD_STORE", "store"},
		{"HERD_SCYLLA_HOSTS", "scylla.hosts"},
		{"HERD_SCYLLA_KEYSPACE", "scylla.keyspace"},
		{"HERD_BUS", "bus"},
		{"HERD_KAFKA_BROKERS", "kafka.brokers"},
		{"HERD_KAFKA_PREFIX", "kafka.prefix"},
		{"HERD_CLUSTER_SEEDS", "cluster.seeds"},
		{"HERD_CLUSTER_BIND", "cluster.bind"},
		{"HERD_CLUSTER_ADVERTISE", "cluster.advertise"},
		{"HERD_CLUSTER_OPS", "cluster.ops"},
		{"HERD_CLUSTER_SECRET", "cluster.secret"},
	}
}

// ApplyEnv overrides c's shape settings and node id with the environment variables of
// EnvVars that getenv returns non-empty (as os.Getenv does), so that the nodes of a
// deployment can share one file and differ by environment.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	lists := map[string]*[]string{"HERD_ROLES": &c.Roles, "HERD_SCYLLA_HOSTS": &c.Scylla.Hosts,
		"HERD_KAFKA_BROKERS": &c.Kafka.Brokers, "HERD_CLUSTER_SEEDS": &c.Cluster.Seeds}
	strs := map[string]*string{"HERD_STORE": &c.Store, "HERD_SCYLLA_KEYSPACE": &c.Scylla.Keyspace, "HERD_BUS": &c.Bus,
		"HERD_KAFKA_PREFIX": &c.Kafka.Prefix,
		"HERD_CLUSTER_BIND": &c.Cluster.Bind, "HERD_CLUSTER_ADVERTISE": &c.Cluster.Advertise,
		"HERD_CLUSTER_OPS": &c.Cluster.Ops, "HERD_CLUSTER_SECRET": &c.Cluster.Secret}
	for _, kv := range EnvVars() {
		v := strings.TrimSpace(getenv(kv[0]))
		if v == "" {
			continue
		}
		switch {
		case lists[kv[0]] != nil:
			*lists[kv[0]] = splitList(v)
		case strs[kv[0]] != nil:
			*strs[kv[0]] = v
		case kv[0] == "HERD_NODE_ID":
			id, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("HERD_NODE_ID %q: %w", v, err)
			}
			c.NodeID = id
		}
	}
	return nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
