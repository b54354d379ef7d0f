package transfer

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/herd-social/herd/blob"
)

// BlobSum is what a verification compares of a blob store.
type BlobSum struct {
	Objects int64
	Bytes   int64
}

// BlobCheck is the verification of a blob store's copy: the source's objects, and
// those of them found at the target with the same size.
type BlobCheck struct {
	Source, Target BlobSum
	// Missing names up to ten objects absent from the target or of another size.
	Missing []string
}

// OK reports whether every object of the source is at the target.
func (c BlobCheck) OK() bool { return c.Source == c.Target }

// CopyBlobs copies every object of src to dst that dst does not hold with the same
// size, with its content type, and returns how many objects and bytes it copied.
// Run again after a stop, it copies only what is missing.
func CopyBlobs(ctx context.Context, src, dst blob.Store, opts Options) (BlobSum, error) {
	opts = opts.withDefaults()
	var copied struct{ objects, bytes atomic.Int64 }
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Parallel)
	err := src.List(ctx, "", func(info blob.Info) error {
		g.Go(func() error {
			have, err := dst.Stat(gctx, info.Key)
			if err == nil && have.Size == info.Size {
				return nil
			}
			if err != nil && !errors.Is(err, blob.ErrNotFound) {
				return fmt.Errorf("transfer: stat %s at the target: %w", info.Key, err)
			}
			if err := copyBlob(gctx, src, dst, info.Key); err != nil {
				return err
			}
			n := copied.objects.Add(1)
			copied.bytes.Add(info.Size)
			opts.Progress("media", n)
			return nil
		})
		return gctx.Err()
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	return BlobSum{Objects: copied.objects.Load(), Bytes: copied.bytes.Load()}, err
}

// copyBlob copies one object.
func copyBlob(ctx context.Context, src, dst blob.Store, key string) error {
	r, info, err := src.Open(ctx, key, blob.Range{})
	if errors.Is(err, blob.ErrNotFound) {
		return nil // deleted since it was listed
	}
	if err != nil {
		return fmt.Errorf("transfer: read %s: %w", key, err)
	}
	defer r.Close()
	if err := dst.Put(ctx, key, r, info.Size, info.ContentType); err != nil {
		return fmt.Errorf("transfer: write %s: %w", key, err)
	}
	return nil
}

// VerifyBlobs lists both stores and checks that every object of src is in dst
// with the same size (dst may hold more: a bucket shared with other data).
func VerifyBlobs(ctx context.Context, src, dst blob.Store) (BlobCheck, error) {
	have := make(map[string]int64)
	err := dst.List(ctx, "", func(info blob.Info) error {
		have[info.Key] = info.Size
		return nil
	})
	if err != nil {
		return BlobCheck{}, fmt.Errorf("transfer: list the target: %w", err)
	}
	var c BlobCheck
	err = src.List(ctx, "", func(info blob.Info) error {
		c.Source.Objects++
		c.Source.Bytes += info.Size
		if size, ok := have[info.Key]; ok && size == info.Size {
			c.Target.Objects++
			c.Target.Bytes += size
		} else if len(c.Missing) < 10 {
			c.Missing = append(c.Missing, info.Key)
		}
		return nil
	})
	if err != nil {
		return BlobCheck{}, fmt.Errorf("transfer: list the source: %w", err)
	}
	return c, nil
}
