package node

import (
	"encoding/base64"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"
)

// The shape of a node: which engines it opens and how it finds the other nodes. The
// single shape (Pebble and the embedded log under Data, no membership) is the
// default. The cluster shape is `store = "scylla"`, `bus = "kafka"` and a [cluster]
// table; nothing else in the code differs between the two.

// Engine names, as the store and bus keys take them.
const (
	StorePebble = "pebble"
	StoreScylla = "scylla"
	BusLocal    = "local"
	BusKafka    = "kafka"
)

// Roles a node can run.
const (
	// RoleAPI serves the Mastodon API, OAuth, ActivityPub and streaming over HTTP.
	RoleAPI = "api"
	// RoleWorker runs the event consumers: fan-out, inbox, federation, delivery.
	RoleWorker = "worker"
)

// ScyllaConfig is the [scylla] table: the CQL store (ScyllaDB or Apache Cassandra).
type ScyllaConfig struct {
	// Hosts are the contact points, host or host:port (port 9042). Required when
	// store is "scylla".
	Hosts []string `toml:"hosts" help:"CQL contact points, host:port, comma-separated"`
	// Keyspace holds Herd's tables; default "herd".
	Keyspace string `toml:"keyspace" help:"CQL keyspace (default herd)"`
	// Replication is the CQL replication map the keyspace is created with; default
	// {'class':'SimpleStrategy','replication_factor':1}. Production clusters use
	// {'class':'NetworkTopologyStrategy','<dc>':3}.
	Replication string `toml:"replication" help:"keyspace replication, as CQL writes it"`
	// NoMigrate skips the schema migration at start. By default every start creates
	// the keyspace and the tables that are missing (CREATE … IF NOT EXISTS, cheap when
	// nothing is missing); with NoMigrate, run `herd admin migrate` before the nodes.
	NoMigrate bool `toml:"no_migrate" help:"do not create the keyspace and tables at start"`
	// Timeout bounds each request; default 5s.
	Timeout time.Duration `toml:"timeout" help:"CQL request timeout"`
	// Parallel bounds the partitions one multi-get reads or one fan-out page writes
	// at once (fan-out checks a page of followers' mutes and follow options, then
	// writes their homes, that way); default 32.
	Parallel int `toml:"parallel" help:"CQL statements in flight per batch of writes"`
	// Namespace, if set, prefixes every partition key (store.Prefixed), so that
	// several instances share one keyspace without seeing each other's rows: the
	// cluster-shape tests give each test a namespace in one keyspace migrated once.
	Namespace string `toml:"-"`
}

// KafkaConfig is the [kafka] table: the event log of the cluster shape.
type KafkaConfig struct {
	// Brokers are the seed brokers, host:port. Required when bus is "kafka".
	Brokers []string `toml:"brokers" help:"Kafka bootstrap brokers, comma-separated"`
	// Prefix is put before the names of the topics and consumer groups on the
	// brokers, so that several instances can share brokers; default none. Every node
	// of an instance needs the same.
	Prefix string `toml:"prefix" help:"prefix of every topic and group name on the brokers"`
	// ReplicationFactor of the topics a node creates when they are missing; default
	// the brokers' default.replication.factor.
	ReplicationFactor int `toml:"replication_factor" help:"replication factor of new topics"`
	// SessionTimeout is how long the partitions of a node that stopped heartbeating
	// (killed) wait before other nodes take them over; default 10s (the brokers'
	// group.min.session.timeout.ms is 6s by default).
	SessionTimeout time.Duration `toml:"session_timeout" help:"consumer group session timeout"`
	// HeartbeatInterval is how often consumers heartbeat, and so how soon they hear
	// of a rebalance; default 1s.
	HeartbeatInterval time.Duration `toml:"heartbeat_interval" help:"consumer group heartbeat interval"`
	// MaxPartitions caps the partitions of each topic a node creates (the topics
	// declare 4 to 16, 416 in all); default none. A small cluster on one broker
	// needs fewer, and each partition costs the brokers files and work. Every node of
	// an instance needs the same, and it must not change once the topics exist: a
	// topic with another count than a node expects is refused at start.
	MaxPartitions int `toml:"max_partitions" help:"most partitions of a topic created (default: as each topic declares)"`
}

// ClusterConfig is the [cluster] table: membership through memberlist, which is on
// when bus is "kafka". Kafka's consumer groups own the work; membership is for
// discovery, the ops view, and routing streaming events to the nodes that hold a
// subscriber.
type ClusterConfig struct {
	// Seeds are memberlist addresses (host:port) of nodes to join; a node that finds
	// none of them starts a cluster of its own and others join it. DNS names that
	// resolve to several addresses (a headless Service) join all of them.
	Seeds []string `toml:"seeds" help:"memberlist addresses of other nodes, comma-separated"`
	// Bind is the memberlist address (TCP and UDP); default 0.0.0.0:7946.
	Bind string `toml:"bind" help:"memberlist address of this node"`
	// Advertise is the address other nodes reach this one at; default Bind's, or a
	// private address of the machine when Bind is 0.0.0.0.
	Advertise string `toml:"advertise" help:"memberlist address the others use, if not bind"`
	// Secret, base64 of 16, 24 or 32 bytes, encrypts gossip and forwarded streaming
	// events (AES-GCM); every node needs the same. Default none.
	Secret string `toml:"secret" help:"memberlist encryption key (base64 of 16, 24 or 32 bytes)" secret:"true"`
}

// shapeDefaults fills the shape's zero fields.
func (c Config) shapeDefaults() Config {
	if c.Store == "" {
		c.Store = StorePebble
	}
	if c.Bus == "" {
		c.Bus = BusLocal
	}
	if len(c.Roles) == 0 {
		c.Roles = []string{RoleAPI, RoleWorker}
	}
	if c.Scylla.Keyspace == "" {
		c.Scylla.Keyspace = "herd"
	}
	if c.Scylla.Timeout == 0 {
		c.Scylla.Timeout = 5 * time.Second
	}
	if c.Scylla.Parallel == 0 {
		c.Scylla.Parallel = 32
	}
	if c.Kafka.SessionTimeout == 0 {
		c.Kafka.SessionTimeout = 10 * time.Second
	}
	if c.Kafka.HeartbeatInterval == 0 {
		c.Kafka.HeartbeatInterval = time.Second
	}
	if c.Clustered() && c.Cluster.Bind == "" {
		c.Cluster.Bind = "0.0.0.0:7946"
	}
	if c.Ops == "" {
		c.Ops = c.defaultOps()
	}
	return c
}

// defaultOps is the ops endpoint's default: on loopback, at the port after
// memberlist's in the cluster shape and after the HTTP port in the single shape, or
// any free port when that port is chosen by the system.
func (c Config) defaultOps() string {
	next := c.Listen
	if c.Clustered() {
		next = c.Cluster.Bind
	}
	_, port, err := splitHostPort(next)
	if err != nil || port == 0 || port == 65535 {
		return "127.0.0.1:0"
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port+1))
}

// Clustered reports whether the node is one of several (bus = "kafka"): it then
// joins the membership and routes streaming events between nodes.
func (c Config) Clustered() bool { return c.Bus == BusKafka }

// HasRole reports whether the node runs role.
func (c Config) HasRole(role string) bool { return slices.Contains(c.Roles, role) }

// validateShape reports the shape's unusable settings.
func (c Config) validateShape() []error {
	var errs []error
	switch c.Store {
	case StorePebble:
	case StoreScylla:
		if len(c.Scylla.Hosts) == 0 {
			errs = append(errs, fmt.Errorf("store %q needs scylla.hosts", c.Store))
		}
	default:
		errs = append(errs, fmt.Errorf("store %q must be %s or %s", c.Store, StorePebble, StoreScylla))
	}
	switch c.Bus {
	case BusLocal:
		if len(c.Cluster.Seeds) > 0 {
			errs = append(errs, fmt.Errorf("cluster.seeds need bus = %q: nodes share work through Kafka", BusKafka))
		}
		if !c.HasRole(RoleWorker) {
			errs = append(errs, fmt.Errorf("roles %v: with bus = %q the node must be a %s", c.Roles, BusLocal, RoleWorker))
		}
	case BusKafka:
		if len(c.Kafka.Brokers) == 0 {
			errs = append(errs, fmt.Errorf("bus %q needs kafka.brokers", c.Bus))
		}
		if c.Store != StoreScylla {
			errs = append(errs, fmt.Errorf("bus %q needs store = %q: the nodes of a cluster share one store", c.Bus, StoreScylla))
		}
		errs = append(errs, c.Cluster.validate()...)
	default:
		errs = append(errs, fmt.Errorf("bus %q must be %s or %s", c.Bus, BusLocal, BusKafka))
	}
	if c.Kafka.SessionTimeout < 0 || c.Kafka.HeartbeatInterval < 0 || c.Kafka.HeartbeatInterval >= c.Kafka.SessionTimeout {
		errs = append(errs, fmt.Errorf("kafka.heartbeat_interval %v must be shorter than kafka.session_timeout %v",
			c.Kafka.HeartbeatInterval, c.Kafka.SessionTimeout))
	}
	if c.Kafka.MaxPartitions < 0 {
		errs = append(errs, fmt.Errorf("kafka.max_partitions %d must be positive, or 0 for no cap", c.Kafka.MaxPartitions))
	}
	if c.Kafka.ReplicationFactor < 0 || c.Kafka.ReplicationFactor > 32767 {
		errs = append(errs, fmt.Errorf("kafka.replication_factor %d out of range", c.Kafka.ReplicationFactor))
	}
	for _, r := range c.Roles {
		if r != RoleAPI && r != RoleWorker {
			errs = append(errs, fmt.Errorf("role %q must be %s or %s", r, RoleAPI, RoleWorker))
		}
	}
	return errs
}

func (cc ClusterConfig) validate() []error {
	var errs []error
	for _, a := range []struct{ name, addr string }{{"bind", cc.Bind}, {"advertise", cc.Advertise}} {
		if a.addr == "" {
			continue
		}
		if _, _, err := splitHostPort(a.addr); err != nil {
			errs = append(errs, fmt.Errorf("cluster.%s %q: %w", a.name, a.addr, err))
		}
	}
	if _, err := cc.secretKey(); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// secretKey decodes Secret; nil when there is none.
func (cc ClusterConfig) secretKey() ([]byte, error) {
	if cc.Secret == "" {
		return nil, nil
	}
	k, err := base64.StdEncoding.DecodeString(cc.Secret)
	if err == nil && len(k) != 16 && len(k) != 24 && len(k) != 32 {
		err = fmt.Errorf("%d bytes, not 16, 24 or 32", len(k))
	}
	if err != nil {
		return nil, fmt.Errorf("cluster.secret: %w", err)
	}
	return k, nil
}

// splitHostPort splits host:port and checks the port.
func splitHostPort(addr string) (string, int, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		return "", 0, fmt.Errorf("bad port %q", port)
	}
	return host, p, nil
}
