// Package s3 is the blob engine of the cluster shape: objects in one bucket of an
// S3-compatible object store (Amazon S3, SeaweedFS, MinIO, Garage, Ceph), addressed
// path-style (endpoint/bucket/key), through the minio-go client.
//
// It owns the mapping of the blob contract to S3 requests and their errors to the
// contract's; it must not manage the bucket beyond creating it when asked (no
// policies, lifecycle rules or versioning), and it shares the bucket with nothing it
// does not know: List and Delete act on keys of the bucket, whoever put them.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/herd-social/herd/blob"
)

// Options configure a store.
type Options struct {
	// Endpoint is the URL of the S3 API, scheme and host only:
	// "https://s3.eu-west-1.amazonaws.com", "http://127.0.0.1:8333". Required.
	Endpoint string
	// Bucket holds the objects. Required.
	Bucket string
	// Region is the bucket's region, which signatures name; default "us-east-1",
	// which S3-compatible servers accept.
	Region string
	// AccessKey and SecretKey sign the requests. Both empty sends anonymous
	// requests.
	AccessKey, SecretKey string
	// CreateBucket creates the bucket when it is missing; otherwise Open fails then.
	CreateBucket bool
	// PublicURL, if set, is the base URL the objects are served from (a CDN, or the
	// bucket itself when public: endpoint/bucket); URL joins it with the key.
	PublicURL string
	// Transport carries the requests; default minio-go's (http.DefaultTransport's
	// settings).
	Transport http.RoundTripper
}

// withDefaults returns o with its zero fields set.
func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	return o
}

// Validate reports the first unusable option.
func (o Options) Validate() error {
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" ||
		u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("blob/s3: endpoint %q must be http(s)://host[:port]", o.Endpoint)
	}
	if o.Bucket == "" {
		return errors.New("blob/s3: Bucket is required")
	}
	if (o.AccessKey == "") != (o.SecretKey == "") {
		return errors.New("blob/s3: AccessKey and SecretKey go together")
	}
	if o.PublicURL != "" {
		return blob.CheckPublicURL(o.PublicURL)
	}
	return nil
}

// Store is a blob.Store on an S3 bucket.
type Store struct {
	opts   Options
	client *minio.Client
}

var _ blob.Store = (*Store)(nil)

// Open connects to the endpoint and checks that the bucket exists, creating it when
// opts.CreateBucket says so.
func Open(ctx context.Context, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	u, _ := url.Parse(opts.Endpoint)
	var creds *credentials.Credentials
	if opts.AccessKey != "" {
		creds = credentials.NewStaticV4(opts.AccessKey, opts.SecretKey, "")
	} else {
		creds = credentials.New(&credentials.Static{Value: credentials.Value{SignerType: credentials.SignatureAnonymous}})
	}
	client, err := minio.New(u.Host, &minio.Options{Creds: creds, Secure: u.Scheme == "https", Region: opts.Region,
		BucketLookup: minio.BucketLookupPath, Transport: opts.Transport})
	if err != nil {
		return nil, fmt.Errorf("blob/s3: %w", err)
	}
	s := &Store{opts: opts, client: client}
	if err := s.ensureBucket(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// ensureBucket checks that the bucket exists, or creates it.
func (s *Store) ensureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.opts.Bucket)
	if err != nil {
		return fmt.Errorf("blob/s3: bucket %s at %s: %w", s.opts.Bucket, s.opts.Endpoint, err)
	}
	if ok {
		return nil
	}
	if !s.opts.CreateBucket {
		return fmt.Errorf("blob/s3: bucket %s does not exist at %s", s.opts.Bucket, s.opts.Endpoint)
	}
	err = s.client.MakeBucket(ctx, s.opts.Bucket, minio.MakeBucketOptions{Region: s.opts.Region})
	if code := minio.ToErrorResponse(err).Code; code == minio.BucketAlreadyOwnedByYou {
		err = nil // made meanwhile by another node
	}
	if err != nil {
		return fmt.Errorf("blob/s3: create bucket %s: %w", s.opts.Bucket, err)
	}
	return nil
}

// Close does nothing: the client holds only idle connections.
func (s *Store) Close() error { return nil }

// URL returns the key's URL under PublicURL, if there is one.
func (s *Store) URL(key string) (string, bool) {
	if s.opts.PublicURL == "" || blob.CheckKey(key) != nil {
		return "", false
	}
	return blob.PublicURL(s.opts.PublicURL, key), true
}

// Put uploads the object in one request, or in parts when it is large or of unknown
// size; S3 makes it visible only once complete.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	ct, err := blob.CheckPut(key, contentType, size)
	if err != nil {
		return err
	}
	r = blob.ExactReader(r, size)
	if size == 0 {
		// The client reads nothing of an empty object: r is checked here.
		if _, err := io.Copy(io.Discard, r); err != nil {
			return fmt.Errorf("blob/s3: put %q: %w", key, err)
		}
		r = http.NoBody
	}
	_, err = s.client.PutObject(ctx, s.opts.Bucket, key, r, size, minio.PutObjectOptions{ContentType: ct})
	if err != nil {
		return fmt.Errorf("blob/s3: put %q: %w", key, err)
	}
	return nil
}

// Open gets the object, or the range of it, in one request.
func (s *Store) Open(ctx context.Context, key string, rng blob.Range) (io.ReadCloser, blob.Info, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, blob.Info{}, err
	}
	if err := rng.Check(); err != nil {
		return nil, blob.Info{}, err
	}
	var opts minio.GetObjectOptions
	ranged := rng != blob.Range{}
	if ranged {
		end := int64(0) // to the end
		if rng.Length > 0 {
			end = rng.Offset + rng.Length - 1
		}
		if err := opts.SetRange(rng.Offset, end); err != nil {
			return nil, blob.Info{}, fmt.Errorf("%w: %w", blob.ErrBadRange, err)
		}
	}
	body, oi, header, err := minio.Core{Client: s.client}.GetObject(ctx, s.opts.Bucket, key, opts)
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("blob/s3: open %q: %w", key, contractError(err))
	}
	info := s.info(key, oi)
	if ranged {
		if info.Size, err = totalSize(header.Get("Content-Range")); err != nil {
			body.Close()
			return nil, blob.Info{}, fmt.Errorf("blob/s3: open %q: %w", key, err)
		}
	}
	return body, info, nil
}

// totalSize reads the size of the whole object in a Content-Range header
// ("bytes 0-9/1234").
func totalSize(contentRange string) (int64, error) {
	_, total, ok := strings.Cut(contentRange, "/")
	n, err := strconv.ParseInt(total, 10, 64)
	if !ok || !strings.HasPrefix(contentRange, "bytes ") || err != nil || n < 0 {
		return 0, fmt.Errorf("the answer to a range has Content-Range %q", contentRange)
	}
	return n, nil
}

// Stat heads the object.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.CheckKey(key); err != nil {
		return blob.Info{}, err
	}
	oi, err := s.client.StatObject(ctx, s.opts.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return blob.Info{}, fmt.Errorf("blob/s3: stat %q: %w", key, contractError(err))
	}
	return s.info(key, oi), nil
}

// info describes an object from what the server said of it.
func (s *Store) info(key string, oi minio.ObjectInfo) blob.Info {
	return blob.Info{Key: key, Size: oi.Size, ContentType: oi.ContentType, ModTime: oi.LastModified}
}

// Delete deletes the object; S3 answers a delete of a missing key with success.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.opts.Bucket, key, minio.RemoveObjectOptions{})
	if err != nil && !errors.Is(contractError(err), blob.ErrNotFound) {
		return fmt.Errorf("blob/s3: delete %q: %w", key, err)
	}
	return nil
}

// List lists the keys under prefix, a page of up to 1,000 per request.
func (s *Store) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	if err := blob.CheckPrefix(prefix); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Cancelling ends the client's listing goroutine when fn stops early.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for oi := range s.client.ListObjects(ctx, s.opts.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if oi.Err != nil {
			return fmt.Errorf("blob/s3: list %q: %w", prefix, oi.Err)
		}
		if strings.HasSuffix(oi.Key, "/") {
			continue // a directory marker, which some servers list
		}
		if err := fn(blob.Info{Key: oi.Key, Size: oi.Size, ModTime: oi.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// contractError maps the S3 errors the contract names to its sentinels, keeping the
// server's message.
func contractError(err error) error {
	switch minio.ToErrorResponse(err).Code {
	case minio.NoSuchKey:
		return fmt.Errorf("%w: %w", blob.ErrNotFound, err)
	case minio.InvalidRange:
		return fmt.Errorf("%w: %w", blob.ErrBadRange, err)
	}
	return err
}
