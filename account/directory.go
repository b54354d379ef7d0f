package account

import (
	"context"
	"fmt"
	"strings"

	"github.com/herd-social/herd/paging"
	"github.com/herd-social/herd/shard"
	"github.com/herd-social/herd/store"
)

// Partitions of the account directory.
const (
	OriginAll    = "all"
	OriginLocal  = "local"
	OriginRemote = "remote"
)

// directoryKeys are the partitions of account_directory that list a: its origin's
// and, for a remote account, its domain's.
func directoryKeys(a *Account) [][]byte {
	if a.Local() {
		return [][]byte{[]byte(OriginAll), []byte(OriginLocal)}
	}
	return [][]byte{[]byte(OriginAll), []byte(OriginRemote), DirectoryDomain(a.Domain)}
}

// DirectoryDomain is the directory partition of the accounts of one domain.
func DirectoryDomain(domain string) []byte {
	return []byte("domain/" + strings.ToLower(domain))
}

func directoryMutations(a *Account) []store.Mutation {
	var muts []store.Mutation
	for _, k := range directoryKeys(a) {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tDirectory, PK: k, CK: a.ID.Bytes(), Value: empty})
	}
	return muts
}

// Directory returns one page of account ids of a directory partition ("local",
// "remote" or DirectoryDomain), newest first. Accounts created before the directory
// existed are not listed.
func (s *Service) Directory(ctx context.Context, partition []byte, p paging.Page) ([]shard.ID, error) {
	rows, err := s.st.Scan(ctx, tDirectory, partition, p.Range())
	if err != nil {
		return nil, fmt.Errorf("scan account directory: %w", err)
	}
	ids := make([]shard.ID, len(rows))
	for i, r := range rows {
		ids[i] = shard.FromBytes(r.CK)
	}
	return ids, nil
}
