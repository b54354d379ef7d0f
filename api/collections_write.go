package api

import (
	"context"

	"github.com/herd-social/herd/collection"
	"github.com/herd-social/herd/shard"
)

// wrappedCollection is a Collection under Mastodon's root key (adapter: :json).
type wrappedCollection struct {
	Collection *CollectionEntity `json:"collection"`
}

// CollectionWithAccounts is Mastodon's CollectionWithAccounts entity.
type CollectionWithAccounts struct {
	Collection *CollectionEntity `json:"collection"`
	Accounts   []*Account        `json:"accounts"`
}

// collectionChanges reads the attributes of a create or an update.
func collectionChanges(p params) collection.Changes {
	return collection.Changes{Name: p.opt("name"), Description: p.opt("description"), Language: p.opt("language"),
		Tag: p.opt("tag_name"), Sensitive: p.optBool("sensitive"), Discoverable: p.optBool("discoverable")}
}

// getCollection answers a collection with the accounts of its owner and of the items
// the viewer sees; a viewer the owner blocks is refused (Mastodon's show?).
func (s *Server) getCollection(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	c, err := s.d.Collections.Get(r.context(), id)
	if err != nil {
		return err
	}
	owner, err := s.shown(r.context(), c.Owner)
	if err != nil {
		return err
	}
	blocked, err := s.blocksViewer(r.context(), owner, r.viewer)
	if err != nil {
		return err
	}
	if blocked {
		return errForbidden
	}
	e, items, err := s.renderCollection(r.context(), c, owner, r.viewer)
	if err != nil {
		return err
	}
	ids := []shard.ID{owner.ID}
	for _, it := range items {
		ids = append(ids, it.Account)
	}
	accs, err := s.accounts(r.context(), ids)
	if err != nil {
		return err
	}
	return r.json(CollectionWithAccounts{Collection: e, Accounts: approved(accs)})
}

// answerCollection renders the viewer's own collection under its root key.
func (s *Server) answerCollection(r *req, c *collection.Collection) error {
	me, err := s.me(r)
	if err != nil {
		return err
	}
	e, _, err := s.renderCollection(r.context(), c, me, r.viewer)
	if err != nil {
		return err
	}
	return r.json(wrappedCollection{e})
}

// createCollection makes a collection of the viewer featuring account_ids[]; an id
// that names no account is not found, as Mastodon's Account.find.
func (s *Server) createCollection(r *req) error {
	var ids []shard.ID
	for _, v := range r.p.list("account_ids") {
		a, err := shard.Parse(v)
		if err != nil {
			return errNotFound
		}
		ids = append(ids, a)
	}
	c, _, err := s.d.Collections.Create(r.context(), r.viewer, collectionChanges(r.p), ids)
	if err != nil {
		return err
	}
	return s.answerCollection(r, c)
}

func (s *Server) updateCollection(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	c, err := s.d.Collections.Update(r.context(), r.viewer, id, collectionChanges(r.p))
	if err != nil {
		return err
	}
	return s.answerCollection(r, c)
}

func (s *Server) deleteCollection(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	if err := s.d.Collections.Delete(r.context(), r.viewer, id); err != nil {
		return err
	}
	return r.json(struct{}{})
}

// addCollectionItem features account_id in the viewer's collection, checked in
// Mastodon's order: the collection exists, account_id is given and names an account,
// then the viewer owns the collection and may feature the account.
func (s *Server) addCollectionItem(r *req) error {
	id, err := r.pathID("id")
	if err != nil {
		return err
	}
	if _, err := s.d.Collections.Get(r.context(), id); err != nil {
		return err
	}
	raw := r.p.str("account_id")
	if raw == "" {
		return httpErr(422, "`account_id` parameter is missing")
	}
	target, err := shard.Parse(raw)
	if err != nil {
		return errNotFound
	}
	if _, err := s.d.Accounts.Get(r.context(), target); err != nil {
		return err
	}
	it, err := s.d.Collections.Add(r.context(), r.viewer, id, target)
	if err != nil {
		return err
	}
	return r.json(struct {
		Item *CollectionItemEntity `json:"collection_item"`
	}{renderCollectionItem(it)})
}

// collectionItemVerb answers removing or revoking an item of a collection.
func (s *Server) collectionItemVerb(verb func(ctx context.Context, by, collection, item shard.ID) error) handlerFunc {
	return func(r *req) error {
		id, err := r.pathID("id")
		if err != nil {
			return err
		}
		item, err := r.pathID("item")
		if err != nil {
			return err
		}
		if err := verb(r.context(), r.viewer, id, item); err != nil {
			return err
		}
		return r.json(struct{}{})
	}
}
