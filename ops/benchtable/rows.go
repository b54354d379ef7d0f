package main

// rows is the performance table: each row's Go benchmark and metric, the benchmark
// and metric of this machine's limit it is compared with (run right after it, so in
// the same conditions), and the goal. This is the one place that names them: a
// benchmark renamed or a metric renamed is changed here, and a row whose benchmark
// does not exist yet prints "not measured" instead of failing.
//
// Benchtimes are counts (Nx) where the set-up is costly (a node, posts, fan-out),
// because a timed -benchtime runs the set-up again at every step of its ramp; the
// limits with a cheap set-up run for a time. BenchmarkSignedDelivery gives up after a
// minute: 300 deliveries stay well under it on a loaded machine; it measures the
// signing rate of the node's own signer on every core in the same run (2,000 signatures at least), and
// BenchmarkFanoutVsRaw Cassandra's raw insert rate of the same home rows.
//
// The home read and its limit are compared compressed, both: the clients of both
// benchmarks (net/http) ask for gzip and decompress, Herd compresses every page it
// answers, and the bare server answers the gzipped bytes Herd sent for that page (so
// compressing is counted as Herd's cost, and the bytes on the wire are the same).
var rows = []row{
	{
		Name:  "home read, 20 statuses",
		Herd:  metric{Pkg: "./api/", Bench: "HomeRead", Unit: "reads/s", Time: "1000x"},
		Limit: &metric{Pkg: "./api/", Bench: "LimitBareHome", Unit: "reads/s", Time: "5000x"},
		Goal:  goal{OfLimit: true, Min: 0.5},
	},
	{
		Name:  "home read p99",
		Herd:  metric{Pkg: "./api/", Bench: "HomeRead", Unit: "p99-ms", Time: "1000x"},
		Limit: &metric{Pkg: "./api/", Bench: "LimitBareHome", Unit: "p99-ms", Time: "5000x"},
		Goal:  goal{Max: 5},
	},
	{
		Name: "posting with fan-out",
		Herd: metric{Pkg: "./api/", Bench: "Post", Unit: "posts/s", Time: "1000x"},
		Goal: goal{Min: 5000},
	},
	{
		Name:  "signed deliveries",
		Herd:  metric{Pkg: "./activitypub/", Bench: "SignedDelivery", Unit: "deliveries/s", Time: "300x"},
		Limit: &metric{Pkg: "./activitypub/", Bench: "SignedDelivery", Unit: "signs/s", Time: "300x"},
		Goal:  goal{OfLimit: true, Min: 0.8},
	},
	{
		Name:  "inbox ingest",
		Herd:  metric{Pkg: "./activitypub/", Bench: "InboxIngest", Unit: "applied/s", Time: "1000x"},
		Limit: &metric{Pkg: "./activitypub/", Bench: "LimitVerify", Unit: "verifies/s", Time: "2s"},
		Goal:  goal{Min: 10000},
	},
	{
		Name:  "fan-out, Cassandra+Kafka",
		Herd:  metric{Pkg: "./tests/cluster/", Bench: "FanoutVsRaw", Unit: "fanout-rows/s", Time: "3x"},
		Limit: &metric{Pkg: "./tests/cluster/", Bench: "FanoutVsRaw", Unit: "raw-rows/s", Time: "3x"},
		Goal:  goal{OfLimit: true, Min: 0.5},
		Needs: []string{"HERD_CASSANDRA", "HERD_KAFKA"},
	},
	{
		Name: "post to streaming event, 1,000 sockets, p99",
		Herd: metric{Pkg: "./api/", Bench: "StreamingLatency", Unit: "p99-ms", Time: "20x"},
		Goal: goal{Max: 50},
	},
}
