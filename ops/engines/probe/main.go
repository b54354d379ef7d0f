// Command probe tells whether a test engine started by ops/engines is ready: it exits 0
// when the engine answers a real request of its protocol, 1 otherwise.
//
//	probe cql 127.0.0.1:9042    a CQL session reads system.local
//	probe kafka 127.0.0.1:9092  the broker lists itself in a metadata response
//	probe s3 127.0.0.1:8333     the S3 API answers a signed ListBuckets, with the keys
//	                            in HERD_S3_ACCESS_KEY and HERD_S3_SECRET_KEY
//	probe http 127.0.0.1:9200   an OpenSearch node reports its cluster health yellow
//	                            or green
//	probe mailpit 127.0.0.1:8025 127.0.0.1:1025
//	                            Mailpit's API lists its messages and its SMTP
//	                            server greets
//	probe -free 127.0.0.1:9042  nothing listens on the address yet
//
// It owns nothing but these checks and must not change an engine's state.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gocql/gocql"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func main() {
	free := flag.Bool("free", false, "check that nothing listens on the address")
	timeout := flag.Duration("timeout", 5*time.Second, "bound of the check")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var err error
	switch {
	case *free && flag.NArg() == 1:
		err = checkFree(ctx, flag.Arg(0))
	case flag.NArg() == 2 && flag.Arg(0) == "cql":
		err = checkCQL(ctx, flag.Arg(1), *timeout)
	case flag.NArg() == 2 && flag.Arg(0) == "kafka":
		err = checkKafka(ctx, flag.Arg(1))
	case flag.NArg() == 2 && flag.Arg(0) == "s3":
		err = checkS3(ctx, flag.Arg(1), os.Getenv("HERD_S3_ACCESS_KEY"), os.Getenv("HERD_S3_SECRET_KEY"))
	case flag.NArg() == 2 && flag.Arg(0) == "http":
		err = checkHealth(ctx, flag.Arg(1))
	case flag.NArg() == 3 && flag.Arg(0) == "mailpit":
		err = checkMailpit(ctx, flag.Arg(1), flag.Arg(2))
	default:
		fmt.Fprintln(os.Stderr, "usage: probe {cql|kafka|s3|http} host:port | probe mailpit http-host:port smtp-host:port | probe -free host:port")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

// checkFree fails when something accepts connections on addr.
func checkFree(ctx context.Context, addr string) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil
	}
	conn.Close()
	return fmt.Errorf("%s is in use", addr)
}

// checkCQL opens a session and reads the server's version.
func checkCQL(ctx context.Context, addr string, timeout time.Duration) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	cluster := gocql.NewCluster(host)
	cluster.Port, err = parsePort(port)
	if err != nil {
		return err
	}
	cluster.Timeout, cluster.ConnectTimeout = timeout, timeout
	cluster.DisableInitialHostLookup = true
	cluster.Logger = discard{}
	s, err := cluster.CreateSession()
	if err != nil {
		return err
	}
	defer s.Close()
	var version string
	if err := s.Query("SELECT release_version FROM system.local").WithContext(ctx).Scan(&version); err != nil {
		return err
	}
	fmt.Println("cassandra", version)
	return nil
}

// checkKafka asks the broker for the cluster's metadata; a broker lists itself only
// once it is registered and unfenced.
func checkKafka(ctx context.Context, addr string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		return err
	}
	defer cl.Close()
	meta, err := kadm.NewClient(cl).BrokerMetadata(ctx)
	if err != nil {
		return err
	}
	if len(meta.Brokers) == 0 {
		return errors.New("no broker is ready")
	}
	fmt.Println("kafka cluster", meta.Cluster, "controller", meta.Controller)
	return nil
}

// checkS3 lists the buckets, a request signed with the keys: the gateway answers it
// only once it has its identities and reaches its filer.
func checkS3(ctx context.Context, addr, accessKey, secretKey string) error {
	client, err := minio.New(addr, &minio.Options{Creds: credentials.NewStaticV4(accessKey, secretKey, ""),
		BucketLookup: minio.BucketLookupPath, MaxRetries: 1})
	if err != nil {
		return err
	}
	buckets, err := client.ListBuckets(ctx)
	if err != nil {
		return err
	}
	fmt.Println("s3 buckets", len(buckets))
	return nil
}

// checkHealth asks an OpenSearch (or Elasticsearch) node for its cluster health: it
// answers yellow or green once it has elected itself and recovered its indexes.
func checkHealth(ctx context.Context, addr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/_cluster/health", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var health struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(res.Body).Decode(&health); err != nil {
		return fmt.Errorf("health: %s: %w", res.Status, err)
	}
	if health.Status != "green" && health.Status != "yellow" {
		return fmt.Errorf("cluster health %q", health.Status)
	}
	fmt.Println("cluster health", health.Status)
	return nil
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p <= 0 || p > 65535 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return p, nil
}

// discard is a gocql logger that drops everything.
type discard struct{}

func (discard) Print(...any)          {}
func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}

// checkMailpit lists Mailpit's messages through its API and reads its SMTP server's
// greeting.
func checkMailpit(ctx context.Context, httpAddr, smtpAddr string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+httpAddr+"/api/v1/messages?limit=1", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var list struct {
		Total *int `json:"total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK || list.Total == nil {
		return fmt.Errorf("mailpit api: status %d, %v", resp.StatusCode, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", smtpAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	greeting := make([]byte, 3)
	if _, err := io.ReadFull(conn, greeting); err != nil || string(greeting) != "220" {
		return fmt.Errorf("mailpit smtp: greeting %q, %v", greeting, err)
	}
	fmt.Println("mailpit holds", *list.Total, "messages")
	return nil
}
