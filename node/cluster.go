package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-sockaddr"
	"github.com/hashicorp/memberlist"
)

// Membership: in the cluster shape every node runs memberlist (SWIM gossip) to find
// the others through seed addresses, to tell them its node id, HTTP address and
// roles (node metadata), and to learn when one joins, leaves or dies. Kafka's
// consumer groups, not membership, decide which node does which work; membership is
// for discovery, the ops view (/ops/cluster, `herd admin cluster`) and the stream
// router (router.go), whose interest bitmap also travels in the metadata.

const (
	// metaVersion tags the metadata layout: the version, the interest bitmap, then
	// JSON of memberInfo.
	metaVersion = 1
	// rejoinInterval is how often a node that knows no other node tries its seeds
	// again; once joined it retries every healInterval, which merges clusters that
	// formed apart (nodes started at the same moment).
	rejoinInterval = 2 * time.Second
	healInterval   = time.Minute
	// metaInterval is how often a changed interest bitmap is gossiped.
	metaInterval = 100 * time.Millisecond
	// departedKeep is how long a dead or departed member stays in the view.
	departedKeep = 10 * time.Minute
)

// memberInfo is what a node tells the others about itself.
type memberInfo struct {
	NodeID  int      `json:"id"`
	HTTP    string   `json:"http"`
	Roles   []string `json:"roles"`
	Version string   `json:"v"`
	// Leaving is said just before a graceful leave, so that the others tell a node
	// that left from one that died (memberlist does not say).
	Leaving bool `json:"leaving,omitempty"`
}

// Member is one node of the cluster as this node sees it.
type Member struct {
	// Name is the memberlist name, herd-<node id>.
	Name string `json:"name"`
	// NodeID, HTTP and Roles are the member's metadata.
	NodeID int      `json:"node_id"`
	HTTP   string   `json:"http"`
	Roles  []string `json:"roles"`
	// Version is the member's software version.
	Version string `json:"version"`
	// Gossip is the member's memberlist address.
	Gossip string `json:"gossip"`
	// State is alive, suspect, dead or left.
	State string `json:"state"`
	// Since is when this node saw the member enter State.
	Since time.Time `json:"since"`
	// Interest counts the buckets of stream keys the member holds subscribers for
	// (of interestBits), as its metadata last said.
	Interest int `json:"interest_buckets"`
	// WantsKey, when the view was asked about a stream key, says whether this node
	// forwards that key's events to the member (or, for self, holds a subscriber).
	WantsKey *bool `json:"wants_key,omitempty"`
	interest interest
	// Self marks the node that answers.
	Self bool `json:"self,omitempty"`
}

// cluster is this node's membership.
type cluster struct {
	cfg    ClusterConfig
	self   memberInfo // fixed but for Leaving, which changes under mu
	name   string
	log    *slog.Logger
	router *router
	ml     *memberlist.Memberlist
	stop   chan struct{}
	wg     sync.WaitGroup
	// left makes leave run once; leaveErr is its result.
	left     sync.Once
	leaveErr error
	mu       struct {
		sync.Mutex
		members map[string]*Member
	}
}

// memberName is the memberlist name of node id.
func memberName(id int) string { return "herd-" + strconv.Itoa(id) }

// joinCluster starts memberlist on cfg.Cluster.Bind and joins the seeds. Failing
// to reach any seed is not an error: the node starts a cluster that the others join,
// and keeps trying its seeds.
func joinCluster(cfg Config, httpAddr string, r *router, log *slog.Logger) (*cluster, error) {
	c := &cluster{cfg: cfg.Cluster, name: memberName(cfg.NodeID), log: log, router: r, stop: make(chan struct{})}
	c.mu.members = make(map[string]*Member)
	mc, err := c.memberlistConfig()
	if err != nil {
		return nil, err
	}
	c.self = memberInfo{NodeID: cfg.NodeID, Roles: cfg.Roles, Version: SoftwareVersion,
		HTTP: advertisedHTTP(httpAddr, mc.AdvertiseAddr, mc.BindAddr)}
	if c.ml, err = memberlist.Create(mc); err != nil {
		return nil, fmt.Errorf("node: start memberlist on %s: %w", c.cfg.Bind, err)
	}
	r.send = c.ml.SendReliable
	c.wg.Add(2) // owned: leave stops them
	go c.gossipInterest()
	go c.joinSeeds()
	return c, nil
}

// memberlistConfig is memberlist's LAN configuration with this node's addresses.
func (c *cluster) memberlistConfig() (*memberlist.Config, error) {
	mc := memberlist.DefaultLANConfig()
	mc.Name = c.name
	host, port, err := splitHostPort(c.cfg.Bind)
	if err != nil {
		return nil, fmt.Errorf("node: cluster.bind %q: %w", c.cfg.Bind, err)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	mc.BindAddr, mc.BindPort, mc.AdvertisePort = host, port, port
	if c.cfg.Advertise != "" {
		ahost, aport, err := splitHostPort(c.cfg.Advertise)
		if err != nil {
			return nil, fmt.Errorf("node: cluster.advertise %q: %w", c.cfg.Advertise, err)
		}
		if ip := net.ParseIP(ahost); ip == nil {
			addrs, err := net.LookupHost(ahost)
			if err != nil || len(addrs) == 0 {
				return nil, fmt.Errorf("node: cluster.advertise %q: %v", c.cfg.Advertise, err)
			}
			ahost = addrs[0]
		}
		mc.AdvertiseAddr, mc.AdvertisePort = ahost, aport
	}
	if mc.SecretKey, err = c.cfg.secretKey(); err != nil {
		return nil, err
	}
	// A node restarted at a new address (a rescheduled pod) takes its name back once
	// its old self has been dead this long.
	mc.DeadNodeReclaimTime = 5 * time.Second
	mc.Delegate, mc.Events, mc.Conflict = c, c, c
	mc.Logger = log.New(memberlistLog{c.log}, "", 0)
	return mc, nil
}

// advertisedHTTP is the HTTP address other nodes can reach: the listen address, with
// an unspecified host replaced by the advertised (or bound, or private) address.
func advertisedHTTP(listen, advertise, bind string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		return listen
	}
	switch {
	case advertise != "":
		host = advertise
	case bind != "" && !net.ParseIP(bind).IsUnspecified():
		host = bind
	default:
		host, _ = sockaddr.GetPrivateIP()
	}
	return net.JoinHostPort(host, port)
}

// join tries the seeds once.
func (c *cluster) join() {
	if len(c.cfg.Seeds) == 0 {
		return
	}
	n, err := c.ml.Join(c.cfg.Seeds)
	if err != nil && c.ml.NumMembers() < 2 {
		c.log.Info("node: no cluster seed answered yet; retrying", "seeds", c.cfg.Seeds, "err", err)
		return
	}
	c.log.Debug("node: joined through seeds", "contacted", n, "members", c.ml.NumMembers())
}

// gossipInterest gossips the metadata when the interest bitmap changed, until leave.
func (c *cluster) gossipInterest() {
	defer c.wg.Done()
	tick := time.NewTicker(metaInterval)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
			if c.router.takeDirty() {
				if err := c.ml.UpdateNode(time.Second); err != nil {
					c.log.Warn("node: gossip metadata", "err", err)
				}
			}
		}
	}
}

// joinSeeds tries the seeds at once, then every rejoinInterval while the node knows
// no other, and every healInterval after, until leave.
func (c *cluster) joinSeeds() {
	defer c.wg.Done()
	for {
		c.join()
		wait := rejoinInterval
		if c.ml.NumMembers() > 1 {
			wait = healInterval
		}
		select {
		case <-c.stop:
			return
		case <-time.After(wait):
		}
	}
}

// leave tells the others this node is going, and stops memberlist; later calls
// return the first one's error.
func (c *cluster) leave() error {
	c.left.Do(func() {
		close(c.stop)
		stopped := make(chan struct{})
		go func() { c.wg.Wait(); close(stopped) }() // ends with the loops
		select {
		case <-stopped:
		case <-time.After(closeWait): // a join in hand ends at Shutdown
			c.log.Warn("node: still joining the seeds while leaving")
		}
		c.router.close()
		c.mu.Lock()
		c.self.Leaving = true
		c.mu.Unlock()
		if err := c.ml.UpdateNode(time.Second); err != nil {
			c.log.Warn("node: announce leaving", "err", err)
		}
		if err := c.ml.Leave(2 * time.Second); err != nil {
			// Peers that are stopping too may not take the news; they will see this
			// node dead instead.
			c.log.Warn("node: leave the cluster", "err", err)
		}
		c.leaveErr = c.ml.Shutdown()
	})
	return c.leaveErr
}

// NodeMeta is the memberlist delegate's metadata: version, interest, member info.
func (c *cluster) NodeMeta(limit int) []byte {
	in := c.router.interest()
	c.mu.Lock()
	info, _ := json.Marshal(c.self)
	c.mu.Unlock()
	meta := make([]byte, 0, 1+len(in)+len(info))
	meta = append(append(append(meta, metaVersion), in[:]...), info...)
	if len(meta) > limit {
		c.log.Error("node: cluster metadata too long; sending it without interest", "bytes", len(meta), "limit", limit)
		return append([]byte{0}, info...)
	}
	return meta
}

// decodeMeta splits a member's metadata; a malformed one gives zero values.
func decodeMeta(meta []byte) (memberInfo, interest) {
	var info memberInfo
	var in interest
	if len(meta) >= 1+interestBytes && meta[0] == metaVersion {
		copy(in[:], meta[1:])
		meta = meta[1+interestBytes:]
	} else if len(meta) > 0 && meta[0] == 0 {
		meta = meta[1:]
	}
	json.Unmarshal(meta, &info)
	return info, in
}

// NotifyMsg receives forwarded stream events.
func (c *cluster) NotifyMsg(msg []byte) { c.router.receive(msg) }

// GetBroadcasts, LocalState and MergeRemoteState: no state of this node's own is
// gossiped beyond the metadata.
func (c *cluster) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (c *cluster) LocalState(join bool) []byte                { return nil }
func (c *cluster) MergeRemoteState(buf []byte, join bool)     {}

// NotifyJoin, NotifyUpdate and NotifyLeave keep the members view and the router's
// peers current; memberlist calls them inline, so they must not block.
func (c *cluster) NotifyJoin(n *memberlist.Node) {
	m := c.record(n, "alive")
	c.log.Info("node: cluster member joined", "member", n.Name, "node_id", m.NodeID, "http", m.HTTP, "gossip", m.Gossip)
	c.peerUp(n)
}

func (c *cluster) NotifyUpdate(n *memberlist.Node) {
	c.record(n, "alive")
	c.peerUp(n)
}

func (c *cluster) NotifyLeave(n *memberlist.Node) {
	state := "dead" // n.State is not updated (memberlist shadows it)
	if info, _ := decodeMeta(n.Meta); info.Leaving {
		state = "left"
	}
	c.record(n, state)
	log := c.log.Warn // a dead node is news; one leaving was stopped on purpose
	if state == "left" {
		log = c.log.Info
	}
	log("node: cluster member gone", "member", n.Name, "state", state, "gossip", n.Address())
	if n.Name != c.name {
		c.router.peerDown(n.Name)
	}
}

// NotifyConflict hears of a node claiming a live member's name from another
// address: a node restarted elsewhere before the cluster saw it die (it is let in
// once its old self is dead), or two nodes sharing a node_id, which makes their ids
// collide.
func (c *cluster) NotifyConflict(existing, other *memberlist.Node) {
	c.log.Error("node: a node claims a live member's name from another address; node_id must be unique per node",
		"name", existing.Name, "existing", existing.Address(), "other", other.Address())
}

func (c *cluster) peerUp(n *memberlist.Node) {
	if n.Name == c.name {
		return
	}
	_, in := decodeMeta(n.Meta)
	c.router.peerUp(n, in)
}

// record notes a member's metadata and state.
func (c *cluster) record(n *memberlist.Node, state string) Member {
	info, in := decodeMeta(n.Meta)
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.mu.members[n.Name]
	if m == nil {
		m = &Member{Name: n.Name}
		c.mu.members[n.Name] = m
	}
	if m.State != state {
		m.State, m.Since = state, time.Now().UTC()
	}
	if len(n.Meta) > 0 {
		m.NodeID, m.HTTP, m.Roles, m.Version = info.NodeID, info.HTTP, info.Roles, info.Version
		m.Interest, m.interest = in.count(), in
	}
	m.Gossip, m.Self = n.Address(), n.Name == c.name
	return *m
}

// Members lists the members this node knows, by node id: the live ones (alive or
// suspect, as memberlist sees them now) and those that died or left in the last
// departedKeep.
func (c *cluster) Members() []Member {
	suspect := make(map[string]bool)
	for _, n := range c.ml.Members() {
		if n.State == memberlist.StateSuspect {
			suspect[n.Name] = true
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Member, 0, len(c.mu.members))
	for name, m := range c.mu.members {
		if m.State != "alive" && time.Since(m.Since) > departedKeep {
			delete(c.mu.members, name)
			continue
		}
		v := *m
		if v.State == "alive" && suspect[name] {
			v.State = "suspect"
		}
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b Member) int { return a.NodeID - b.NodeID })
	return out
}

// memberlistLog sends memberlist's "[LEVEL] memberlist: …" lines to slog.
type memberlistLog struct{ l *slog.Logger }

func (w memberlistLog) Write(p []byte) (int, error) {
	line := bytes.TrimSpace(p)
	level := slog.LevelInfo
	for prefix, l := range map[string]slog.Level{"[DEBUG]": slog.LevelDebug, "[WARN]": slog.LevelWarn,
		"[ERR]": slog.LevelError, "[ERROR]": slog.LevelError, "[INFO]": slog.LevelInfo} {
		if bytes.HasPrefix(line, []byte(prefix)) {
			level, line = l, bytes.TrimSpace(line[len(prefix):])
			break
		}
	}
	w.l.Log(context.Background(), level, string(line), "engine", "memberlist")
	return len(p), nil
}

var _ io.Writer = memberlistLog{}
