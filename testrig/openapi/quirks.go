package openapi

import (
	"fmt"
	"strings"
)

// Formats. OpenAPI 3.1 schemas are JSON Schema 2020-12, where "format" is only an
// annotation unless the validator is told to assert it; Load tells it to, because a
// timestamp or a URL in the wrong shape breaks clients as surely as a wrong type. What the
// description uses, and what is checked:
//
//	date-time   asserted: RFC 3339 (Mastodon sends "2019-11-24T13:59:57.000Z").
//	date        asserted: RFC 3339 full-date; only Account.last_status_at ("2019-11-24")
//	            and TermsOfService dates. Old examples in the description show a
//	            date-time there; Mastodon has sent a date since 3.1.
//	uri         asserted: an absolute URI, so "", "/avatars/missing.png" and
//	            "127.0.0.1/x" fail; see the quirks below for the fields that may be "".
//	email       asserted (Instance contact email), "" allowed, see below.
//	iso-639-1   not asserted: the library has no such format and Mastodon also sends
//	            ISO 639-3 codes ("kab", "tok") in these fields.
//	binary, scopes  request bodies only; never reached.
//
// Unknown formats are ignored by the library, so a future description that adds one
// changes nothing until it is listed here; TestFormatsDecided notices.

// quirk is one place where the description is stricter than, or silent about, what
// Mastodon really sends. Mastodon wins: each quirk adjusts the parsed description before
// anything is compiled.
type quirk struct {
	ptr string         // JSON pointer (RFC 6901) to the object changed
	why string         // the evidence
	set map[string]any // keys to set on it; a nil value deletes the key
}

// orEmpty allows "" besides a string of the given format.
func orEmpty(format string) map[string]any {
	return map[string]any{
		"format": nil,
		"anyOf":  []any{map[string]any{"const": ""}, map[string]any{"format": format}},
	}
}

const (
	previewCard = "/components/schemas/PreviewCard/properties/"
	trendsLink  = "/components/schemas/TrendsLink/properties/"
	cardEmpty   = "Mastodon's preview_cards columns author_url, provider_url and embed_url " +
		"default to \"\" and are sent as they are (see the description's own example " +
		"for GET /api/v1/trends/links)"
	emailEmpty = "Mastodon sends Setting.site_contact_email, which is \"\" until an admin sets it"
)

// wrappedCollectionWhy is the evidence of the collection quirks.
const wrappedCollectionWhy = "the description names the entity ([WrappedCollection], " +
	"[Collections], [WrappedCollectionItem]) but attaches no schema; " +
	"Api::V1::CollectionsController and CollectionItemsController render with " +
	"adapter: :json, which puts the entity under a root key"

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// wrapped is a JSON response of one object holding schema under key.
func wrapped(key string, schema map[string]any) map[string]any {
	return map[string]any{"content": map[string]any{"application/json": map[string]any{
		"schema": map[string]any{"type": "object", "required": []any{key},
			"properties": map[string]any{key: schema}},
	}}}
}

var quirks = []quirk{
	{previewCard + "author_url", cardEmpty, orEmpty("uri")},
	{previewCard + "provider_url", cardEmpty, orEmpty("uri")},
	{previewCard + "embed_url", cardEmpty, orEmpty("uri")},
	{trendsLink + "author_url", cardEmpty, orEmpty("uri")},
	{trendsLink + "provider_url", cardEmpty, orEmpty("uri")},
	{trendsLink + "embed_url", cardEmpty, orEmpty("uri")},
	{"/components/schemas/Instance/properties/contact/properties/email", emailEmpty, orEmpty("email")},
	{"/components/schemas/V1Instance/properties/email", emailEmpty, orEmpty("email")},
	{
		"/components/schemas/ValidationError",
		"the generator gives 163 operations a 422 of ValidationError with \"details\" required, " +
			"but Api::BaseController renders RecordInvalid and ValidationError as {\"error\": …} " +
			"alone; only registration adds details",
		map[string]any{"required": []any{"error"}},
	},
	{
		"/components/schemas/Status/properties/quote",
		"Status.quote is oneOf Quote and ShallowQuote, but neither forbids other keys and " +
			"both need only state, so every quote Mastodon's REST::QuoteSerializer renders " +
			"(state, quoted_status) is also a ShallowQuote and oneOf refuses it",
		map[string]any{"oneOf": nil, "anyOf": []any{
			map[string]any{"$ref": "#/components/schemas/Quote"},
			map[string]any{"$ref": "#/components/schemas/ShallowQuote"},
			map[string]any{"type": "null"},
		}},
	},
	{
		"/paths/~1api~1v1~1preferences/get/responses/200",
		"the description defines the Preferences entity but attaches no schema to the " +
			"endpoint that returns it",
		map[string]any{"content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/Preferences"},
		}}},
	},
	{
		"/paths/~1api~1v1~1filters/get/responses/200/content/application~1json/schema",
		"the response is described as \"List of [V1::Filter]\" but its schema is one " +
			"V1Filter; Api::V1::FiltersController#index renders an array",
		map[string]any{"$ref": nil, "type": "array", "items": map[string]any{"$ref": "#/components/schemas/V1Filter"}},
	},
	{
		"/paths/~1api~1v1~1collections/post/responses/200",
		wrappedCollectionWhy,
		wrapped("collection", ref("Collection")),
	},
	{
		"/paths/~1api~1v1~1collections~1{id}/patch/responses/200",
		wrappedCollectionWhy,
		wrapped("collection", ref("Collection")),
	},
	{
		"/paths/~1api~1v1~1accounts~1{account_id}~1collections/get/responses/200",
		wrappedCollectionWhy,
		wrapped("collections", map[string]any{"type": "array", "items": ref("Collection")}),
	},
	{
		"/paths/~1api~1v1~1accounts~1{account_id}~1in_collections/get/responses/200",
		wrappedCollectionWhy,
		wrapped("collections", map[string]any{"type": "array", "items": ref("Collection")}),
	},
	{
		"/paths/~1api~1v1~1collections~1{collection_id}~1items/post/responses/200",
		wrappedCollectionWhy,
		wrapped("collection_item", ref("CollectionItem")),
	},
	{
		"/components/schemas/CustomError422/properties/error",
		"only a refused collection is rendered under error with its details; input " +
			"refused before the controller (a body that is not UTF-8, a NUL, bad JSON) " +
			"gets Api::BaseController's plain {\"error\": \"…\"}, as on every route",
		map[string]any{"type": []any{"object", "string"}},
	},
	{
		"/components/schemas/CustomError422/properties/error/properties/details",
		"the generator copied one example, a refused name, as the only shape: " +
			"ValidationErrorFormatter details every refused attribute (description, " +
			"language…) and only those",
		map[string]any{"required": nil},
	},
	{
		"/paths/~1api~1v2~1filters~1statuses~1{id}/delete/responses/200",
		"Api::V2::Filters::StatusesController#destroy ends with render_empty, as the " +
			"keyword's destroy does, which the description answers with Empty",
		map[string]any{"content": nil, "description": "Empty"},
	},
}

// applyQuirks adjusts doc in place. A quirk whose target is gone is an error, so that
// updating schema.json makes someone look at the list again.
func applyQuirks(doc map[string]any) error {
	for _, q := range quirks {
		obj, err := lookupObject(doc, q.ptr)
		if err != nil {
			return fmt.Errorf("openapi: quirk %s: %w", q.ptr, err)
		}
		for k, v := range q.set {
			if v == nil {
				delete(obj, k)
			} else {
				obj[k] = v
			}
		}
	}
	return nil
}

// lookupObject follows a JSON pointer through nested objects.
func lookupObject(doc map[string]any, ptr string) (map[string]any, error) {
	obj := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		next, ok := obj[tok].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("no object at %q", tok)
		}
		obj = next
	}
	return obj, nil
}
