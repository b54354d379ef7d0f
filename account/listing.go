package account

import (
	"context"
	"fmt"
	"strings"

	"github.com/herd-social/herd/store"
)

// Partitions of the account listing (moderators' list of accounts).
const (
	OriginAll    = "all"
	OriginLocal  = "local"
	OriginRemote = "remote"
)

// listingKeys are the partitions of account_listing that list a: its origin's
// and, for a remote account, its domain's.
func listingKeys(a *Account) [][]byte {
	if a.Local() {
		return [][]byte{[]byte(OriginAll), []byte(OriginLocal)}
	}
	return [][]byte{[]byte(OriginAll), []byte(OriginRemote), ListingDomain(a.Domain)}
}

// ListingDomain is the listing partition of the accounts of one domain.
func ListingDomain(domain string) []byte {
	return []byte("domain/" + strings.ToLower(domain))
}

func listingMutations(a *Account) []store.Mutation {
	var muts []store.Mutation
	for _, k := range listingKeys(a) {
		muts = append(muts, store.Mutation{Kind: store.Put, Table: tListing, PK: k, CK: a.ID.Bytes(), Value: empty})
	}
	return muts
}

// Listing scans a listing partition ("local", "remote" or ListingDomain): rows keyed
// by account id, newest first (paging.Page's Range and Filter read it). Accounts
// created before the listing existed are not listed.
func (s *Service) Listing(ctx context.Context, partition []byte, r store.Range) ([]store.Row, error) {
	rows, err := s.st.Scan(ctx, tListing, partition, r)
	if err != nil {
		return nil, fmt.Errorf("scan the account listing: %w", err)
	}
	return rows, nil
}
