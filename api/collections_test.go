package api_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/herd-social/herd/testrig"
)

// Typed entities of the collection endpoints (every answer is also checked against
// Mastodon's API description by testrig).
type collectionItem struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	State     string `json:"state"`
}

type collectionEntity struct {
	ID           string  `json:"id"`
	AccountID    string  `json:"account_id"`
	Name         string  `json:"name"`
	Description  string  `json:"description"`
	Language     *string `json:"language"`
	Sensitive    bool    `json:"sensitive"`
	Discoverable bool    `json:"discoverable"`
	ItemCount    int     `json:"item_count"`
	Tag          *struct{ Name string }
	Items        []collectionItem `json:"items"`
}

type wrappedCollection struct {
	Collection collectionEntity `json:"collection"`
}

type collectionPage struct {
	Collections []collectionEntity `json:"collections"`
}

type collectionWithAccounts struct {
	Collection collectionEntity  `json:"collection"`
	Accounts   []testrig.Account `json:"accounts"`
}

type nestedError struct {
	Error struct {
		Error   string `json:"error"`
		Details map[string][]struct {
			Error string `json:"error"`
		} `json:"details"`
	} `json:"error"`
}

func collectionIDs(p collectionPage) []string {
	var out []string
	for _, c := range p.Collections {
		out = append(out, c.ID)
	}
	return out
}

func TestCollectionCRUD(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol := c.Register("alice"), c.Register("bob"), c.Register("carol")
	created := testrig.Decode[wrappedCollection](t, c.Must(c.DoJSON("POST", "/api/v1/collections", alice.Token, map[string]any{
		"name": "Pals", "description": "Worth following", "language": "en", "sensitive": true, "tag_name": "#Fediverse",
		"account_ids": []string{bob.ID}}), 200)).Collection
	if created.Name != "Pals" || created.Description != "Worth following" || created.Language == nil || *created.Language != "en" ||
		!created.Sensitive || !created.Discoverable || created.AccountID != alice.ID || created.Tag == nil || created.Tag.Name != "fediverse" ||
		created.ItemCount != 1 || len(created.Items) != 1 || created.Items[0].AccountID != bob.ID || created.Items[0].State != "accepted" {
		t.Fatalf("created %+v", created)
	}

	// Anyone may read it, with the owner's and the members' accounts.
	shown := testrig.Decode[collectionWithAccounts](t, c.Must(c.Do("GET", "/api/v1/collections/"+created.ID, "", nil), 200))
	if shown.Collection.ID != created.ID || len(shown.Accounts) != 2 || shown.Accounts[0].ID != alice.ID || shown.Accounts[1].ID != bob.ID {
		t.Fatalf("shown %+v", shown)
	}

	// A partial update keeps the rest; another account may not change it.
	upd := testrig.Decode[wrappedCollection](t, c.Must(c.DoJSON("PATCH", "/api/v1/collections/"+created.ID, alice.Token,
		map[string]any{"name": "Close pals", "discoverable": false}), 200)).Collection
	if upd.Name != "Close pals" || upd.Discoverable || upd.Description != "Worth following" || !upd.Sensitive || len(upd.Items) != 1 {
		t.Fatalf("updated %+v", upd)
	}
	wantError(t, bob.Do("PATCH", "/api/v1/collections/"+created.ID, url.Values{"name": {"mine"}}), 403, "This action is not allowed")
	wantError(t, bob.Do("DELETE", "/api/v1/collections/"+created.ID, nil), 403, "This action is not allowed")

	// Refused attributes answer Mastodon's nested validation error and change nothing.
	r := c.DoJSON("PATCH", "/api/v1/collections/"+created.ID, alice.Token, map[string]any{"name": "", "language": "no such language"})
	var ve nestedError
	r.JSON(t, &ve)
	if r.Code != 422 || ve.Error.Error != "Validation failed: Name can't be blank, Language is invalid" ||
		ve.Error.Details["name"][0].Error != "ERR_BLANK" || ve.Error.Details["language"][0].Error != "ERR_INVALID" {
		t.Fatalf("refused update: %d %s", r.Code, r.Body)
	}
	r = c.DoJSON("POST", "/api/v1/collections", alice.Token, map[string]any{"description": "no name"})
	r.JSON(t, &ve)
	if r.Code != 422 || ve.Error.Details["name"][0].Error != "ERR_BLANK" {
		t.Fatalf("create without a name: %d %s", r.Code, r.Body)
	}
	wantError(t, c.DoJSON("POST", "/api/v1/collections", alice.Token, map[string]any{"name": "x", "account_ids": []string{"4242"}}),
		404, "Record not found")

	// The account's list: all for the owner, the discoverable ones for others.
	second := testrig.Decode[wrappedCollection](t, c.Must(alice.Do("POST", "/api/v1/collections", url.Values{"name": {"Open"}}), 200)).Collection
	mine := testrig.Decode[collectionPage](t, c.Must(alice.Do("GET", "/api/v1/accounts/"+alice.ID+"/collections", nil), 200))
	if got := collectionIDs(mine); !slices.Equal(got, []string{second.ID, created.ID}) {
		t.Fatalf("alice's own collections %v", got)
	}
	theirs := testrig.Decode[collectionPage](t, c.Must(c.Do("GET", "/api/v1/accounts/"+alice.ID+"/collections", "", nil), 200))
	if got := collectionIDs(theirs); !slices.Equal(got, []string{second.ID}) {
		t.Fatalf("alice's collections seen anonymously %v", got)
	}
	page := c.Must(alice.Do("GET", "/api/v1/accounts/"+alice.ID+"/collections?limit=1&offset=1", nil), 200)
	if got := collectionIDs(testrig.Decode[collectionPage](t, page)); !slices.Equal(got, []string{created.ID}) {
		t.Fatalf("second page %v", got)
	}

	// A viewer alice blocks sees none and may not read one.
	c.Must(alice.Do("POST", "/api/v1/accounts/"+carol.ID+"/block", nil), 200)
	if got := testrig.Decode[collectionPage](t, c.Must(carol.Do("GET", "/api/v1/accounts/"+alice.ID+"/collections", nil), 200)); len(got.Collections) != 0 {
		t.Fatalf("a blocked viewer sees %v", collectionIDs(got))
	}
	wantError(t, carol.Do("GET", "/api/v1/collections/"+second.ID, nil), 403, "This action is not allowed")

	var empty map[string]any
	c.Must(alice.Do("DELETE", "/api/v1/collections/"+second.ID, nil), 200).JSON(t, &empty)
	if len(empty) != 0 {
		t.Fatalf("DELETE answered %v", empty)
	}
	wantError(t, c.Do("GET", "/api/v1/collections/"+second.ID, "", nil), 404, "Record not found")

	// Scopes: read:collections reads, write:collections writes.
	read := scopedToken(t, c, "alice", "read:collections")
	c.Must(c.Do("GET", "/api/v1/collections/"+created.ID, read, nil), 200)
	wantError(t, c.Do("POST", "/api/v1/collections", read, url.Values{"name": {"no"}}), 403, "This action is outside the authorized scopes")
	if r := c.Do("POST", "/api/v1/collections", "", url.Values{"name": {"no"}}); r.Code != 401 {
		t.Fatalf("anonymous create: %d", r.Code)
	}
}

func TestCollectionItems(t *testing.T) {
	c := testrig.New(t)
	alice, bob, carol, dave := c.Register("alice"), c.Register("bob"), c.Register("carol"), c.Register("dave")
	col := testrig.Decode[wrappedCollection](t, c.Must(alice.Do("POST", "/api/v1/collections", url.Values{"name": {"Pals"}}), 200)).Collection
	items := "/api/v1/collections/" + col.ID + "/items"

	wantError(t, alice.Do("POST", items, nil), 422, "`account_id` parameter is missing")
	wantError(t, alice.Do("POST", items, url.Values{"account_id": {"4242"}}), 404, "Record not found")
	wantError(t, alice.Do("POST", "/api/v1/collections/4242/items", url.Values{"account_id": {bob.ID}}), 404, "Record not found")
	wantError(t, bob.Do("POST", items, url.Values{"account_id": {carol.ID}}), 403, "This action is not allowed")

	var added struct {
		Item collectionItem `json:"collection_item"`
	}
	c.Must(c.DoJSON("POST", items, alice.Token, map[string]any{"account_id": bob.ID}), 200).JSON(t, &added)
	if added.Item.AccountID != bob.ID || added.Item.State != "accepted" || added.Item.ID == "" {
		t.Fatalf("added %+v", added.Item)
	}
	wantError(t, alice.Do("POST", items, url.Values{"account_id": {bob.ID}}), 422, "Validation failed: Account has already been taken")

	// An account that is not discoverable cannot be featured.
	carol.UpdateCredentials("discoverable", "false")
	wantError(t, alice.Do("POST", items, url.Values{"account_id": {carol.ID}}), 403, "This action is not allowed")

	// bob sees the collection he is in; nobody else may list bob's.
	in := testrig.Decode[collectionPage](t, c.Must(bob.Do("GET", "/api/v1/accounts/"+bob.ID+"/in_collections", nil), 200))
	if got := collectionIDs(in); !slices.Equal(got, []string{col.ID}) {
		t.Fatalf("bob in %v", got)
	}
	wantError(t, dave.Do("GET", "/api/v1/accounts/"+bob.ID+"/in_collections", nil), 403, "This action is not allowed")

	// A viewer who blocks bob does not see his item.
	c.Must(dave.Do("POST", "/api/v1/accounts/"+bob.ID+"/block", nil), 200)
	seen := testrig.Decode[collectionWithAccounts](t, c.Must(dave.Do("GET", "/api/v1/collections/"+col.ID, nil), 200))
	if len(seen.Collection.Items) != 0 || len(seen.Accounts) != 1 || seen.Collection.ItemCount != 1 {
		t.Fatalf("seen by bob's blocker %+v", seen)
	}

	// Only bob may revoke his item; revoked, it is shown to nobody but still counted.
	item := "/api/v1/collections/" + col.ID + "/items/" + added.Item.ID
	wantError(t, alice.Do("POST", item+"/revoke", nil), 403, "This action is not allowed")
	c.Must(bob.Do("POST", item+"/revoke", nil), 200)
	after := testrig.Decode[collectionWithAccounts](t, c.Must(alice.Do("GET", "/api/v1/collections/"+col.ID, nil), 200))
	if len(after.Collection.Items) != 0 || after.Collection.ItemCount != 1 {
		t.Fatalf("after the revoke %+v", after.Collection)
	}
	if got := testrig.Decode[collectionPage](t, c.Must(bob.Do("GET", "/api/v1/accounts/"+bob.ID+"/in_collections", nil), 200)); len(got.Collections) != 0 {
		t.Fatalf("bob still in %v", collectionIDs(got))
	}

	// The owner removes the item; bob may then be featured again.
	wantError(t, bob.Do("DELETE", item, nil), 403, "This action is not allowed")
	c.Must(alice.Do("DELETE", item, nil), 200)
	wantError(t, alice.Do("DELETE", item, nil), 404, "Record not found")
	c.Must(alice.Do("POST", items, url.Values{"account_id": {bob.ID}}), 200)
}
