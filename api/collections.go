package api

import (
	"context"

	"github.com/herd-social/herd/account"
	"github.com/herd-social/herd/collection"
	"github.com/herd-social/herd/shard"
)

// CollectionEntity is Mastodon 4.6's Collection entity.
type CollectionEntity struct {
	ID           string                  `json:"id"`
	URI          string                  `json:"uri"`
	Name         string                  `json:"name"`
	Description  string                  `json:"description"`
	Language     *string                 `json:"language"`
	AccountID    string                  `json:"account_id"`
	Local        bool                    `json:"local"`
	Sensitive    bool                    `json:"sensitive"`
	Discoverable bool                    `json:"discoverable"`
	ItemCount    int                     `json:"item_count"`
	CreatedAt    string                  `json:"created_at"`
	UpdatedAt    string                  `json:"updated_at"`
	Tag          *ShallowTag             `json:"tag"`
	Items        []*CollectionItemEntity `json:"items"`
}

// CollectionItemEntity is Mastodon's CollectionItem entity: account_id only on an
// accepted item, as REST::CollectionItemSerializer.
type CollectionItemEntity struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id,omitempty"`
	State     string `json:"state"`
	CreatedAt string `json:"created_at"`
}

// ShallowTag is Mastodon's ShallowTag entity.
type ShallowTag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// routeCollections registers the collection endpoints, with Mastodon's scopes: reading
// a collection or an account's collections needs no token; in_collections and every
// change need a user.
func (s *Server) routeCollections() {
	s.handle("GET", "/api/v1/accounts/{id}/collections", open("read:collections"), s.accountCollections)
	s.handle("GET", "/api/v1/accounts/{id}/in_collections", user("read:collections"), s.inCollections)
	s.handle("POST", "/api/v1/collections", user("write:collections"), s.createCollection)
	s.handle("GET", "/api/v1/collections/{id}", open("read:collections"), s.getCollection)
	s.handle("PATCH", "/api/v1/collections/{id}", user("write:collections"), s.updateCollection)
	s.handle("DELETE", "/api/v1/collections/{id}", user("write:collections"), s.deleteCollection)
	s.handle("POST", "/api/v1/collections/{id}/items", user("write:collections"), s.addCollectionItem)
	s.handle("DELETE", "/api/v1/collections/{id}/items/{item}", user("write:collections"), s.collectionItemVerb(s.d.Collections.Remove))
	s.handle("POST", "/api/v1/collections/{id}/items/{item}/revoke", user("write:collections"), s.collectionItemVerb(s.d.Collections.Revoke))
}

// renderCollection renders c as viewer sees it: the items it may see (with every item
// counted in item_count, as Mastodon's counter cache does).
func (s *Server) renderCollection(ctx context.Context, c *collection.Collection, owner *account.Account, viewer shard.ID) (*CollectionEntity, []*collection.Item, error) {
	all, err := s.d.Collections.Items(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	shown, err := collection.Shown(ctx, s.d.Accounts, c, all, viewer)
	if err != nil {
		return nil, nil, err
	}
	e := &CollectionEntity{ID: c.ID.String(), URI: s.actorURL(owner.Username) + "/collections/" + c.ID.String(),
		Name: c.Name, Description: c.Description, AccountID: c.Owner.String(), Local: true, Sensitive: c.Sensitive,
		Discoverable: c.Discoverable, ItemCount: len(all), CreatedAt: datetime(c.CreatedAt), UpdatedAt: datetime(c.UpdatedAt),
		Items: make([]*CollectionItemEntity, len(shown))}
	if c.Language != "" {
		e.Language = ptr(c.Language)
	}
	if c.Tag != "" {
		e.Tag = &ShallowTag{Name: c.Tag, URL: s.tagURL(c.Tag)}
	}
	for i, it := range shown {
		e.Items[i] = renderCollectionItem(it)
	}
	return e, shown, nil
}

func renderCollectionItem(it *collection.Item) *CollectionItemEntity {
	e := &CollectionItemEntity{ID: it.ID.String(), State: string(it.State), CreatedAt: datetime(it.CreatedAt)}
	if it.State == collection.Accepted {
		e.AccountID = it.Account.String()
	}
	return e
}

// renderCollections renders a page of collections, each with its owner.
func (s *Server) renderCollections(ctx context.Context, cs []*collection.Collection, viewer shard.ID) ([]*CollectionEntity, error) {
	ids := make([]shard.ID, len(cs))
	for i, c := range cs {
		ids[i] = c.Owner
	}
	owners, err := s.d.Accounts.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*CollectionEntity, 0, len(cs))
	for _, c := range cs {
		owner := owners[c.Owner]
		if owner == nil {
			continue
		}
		e, _, err := s.renderCollection(ctx, c, owner, viewer)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// collectionsPage answers a page of collections in Mastodon's root key, with Link
// headers of offsets.
func (s *Server) collectionsPage(r *req, cs []*collection.Collection, offset, limit int) error {
	out, err := s.renderCollections(r.context(), cs, r.viewer)
	if err != nil {
		return err
	}
	offsetLink(r, offset, limit, len(cs))
	return r.json(struct {
		Collections []*CollectionEntity `json:"collections"`
	}{out})
}

// accountCollections lists an account's collections, newest first: all of them for
// the account itself, the discoverable ones for others, none for a viewer the
// account blocks (as Mastodon's index_collections? policy).
func (s *Server) accountCollections(r *req) error {
	t, err := s.target(r)
	if err != nil {
		return err
	}
	offset, limit := offsetLimit(r, 40, 80)
	blocked, err := s.blocksViewer(r.context(), t, r.viewer)
	if err != nil {
		return err
	}
	var cs []*collection.Collection
	if !blocked {
		if cs, err = s.d.Collections.Of(r.context(), t.ID, t.ID == r.viewer, offset, limit); err != nil {
			return err
		}
	}
	return s.collectionsPage(r, cs, offset, limit)
}

// blocksViewer reports whether owner blocks the viewer, or the viewer's domain.
func (s *Server) blocksViewer(ctx context.Context, owner *account.Account, viewer shard.ID) (bool, error) {
	if viewer == 0 || viewer == owner.ID {
		return false, nil
	}
	blocked, err := s.d.Accounts.Blocking(ctx, owner.ID, []shard.ID{viewer})
	if err != nil || blocked[viewer] {
		return blocked[viewer], err
	}
	v, err := s.d.Accounts.Get(ctx, viewer)
	if err != nil {
		return false, err
	}
	return s.d.Accounts.BlocksDomain(ctx, owner.ID, v.Domain)
}

// inCollections lists the collections that feature the viewer; another account's
// are not the viewer's to see (Mastodon's index_featured_in_collections?).
func (s *Server) inCollections(r *req) error {
	t, err := s.target(r)
	if err != nil {
		return err
	}
	if t.ID != r.viewer {
		return errForbidden
	}
	offset, limit := offsetLimit(r, 40, 80)
	cs, err := s.d.Collections.Featuring(r.context(), t.ID, offset, limit)
	if err != nil {
		return err
	}
	return s.collectionsPage(r, cs, offset, limit)
}
