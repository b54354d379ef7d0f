package pebble

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/cockroachdb/pebble/v2"

	"github.com/herd-social/herd/store"
)

// table is a declared table with the key prefix id the catalog gave it.
type table struct {
	store.Table
	id uint32
}

// catalogEntry is what the catalog remembers of a table: its id, and the order and kind
// its keys and values were written with.
type catalogEntry struct {
	id    uint32
	order store.Order
	kind  store.Kind
}

var catalogKey = append(appendID(nil, catalogID), "catalog"...)

// loadCatalog reads the catalog; a new database has an empty one.
func loadCatalog(db *pebble.DB) (map[string]catalogEntry, error) {
	v, closer, err := db.Get(catalogKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return map[string]catalogEntry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pebble: read catalog: %w", err)
	}
	defer closer.Close()
	cat, err := decodeCatalog(v)
	if err != nil {
		return nil, fmt.Errorf("pebble: read catalog: %w", err)
	}
	return cat, nil
}

// resolveTables gives every table of the schema the id the catalog holds for it, or a
// new one. Tables in the catalog but not in the schema keep their id (and their data).
// It reports whether the catalog gained tables.
func resolveTables(cat map[string]catalogEntry, schema store.Schema) (map[string]*table, bool, error) {
	next := firstID
	for _, e := range cat {
		next = max(next, e.id+1)
	}
	tables := make(map[string]*table, len(schema))
	changed := false
	for _, decl := range schema {
		e, ok := cat[decl.Name]
		if !ok {
			e = catalogEntry{id: next, order: decl.Order, kind: decl.Kind}
			cat[decl.Name] = e
			next++
			changed = true
		}
		if e.order != decl.Order || e.kind != decl.Kind {
			return nil, false, fmt.Errorf(
				"pebble: table %q was created with order %d and kind %d, the schema declares order %d and kind %d",
				decl.Name, e.order, e.kind, decl.Order, decl.Kind)
		}
		tables[decl.Name] = &table{Table: decl, id: e.id}
	}
	return tables, changed, nil
}

// encodeCatalog writes entries in id order as: uvarint id, uvarint name length, name,
// order byte, kind byte.
func encodeCatalog(cat map[string]catalogEntry) []byte {
	names := make([]string, 0, len(cat))
	for name := range cat {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(cat[a].id, cat[b].id) })
	var dst []byte
	for _, name := range names {
		e := cat[name]
		dst = binary.AppendUvarint(dst, uint64(e.id))
		dst = binary.AppendUvarint(dst, uint64(len(name)))
		dst = append(dst, name...)
		dst = append(dst, byte(e.order), byte(e.kind))
	}
	return dst
}

func decodeCatalog(b []byte) (map[string]catalogEntry, error) {
	cat := map[string]catalogEntry{}
	for len(b) > 0 {
		id, n := binary.Uvarint(b)
		if n <= 0 || id > 1<<32-1 {
			return nil, errBadValue
		}
		b = b[n:]
		size, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < size+2 {
			return nil, errBadValue
		}
		b = b[n:]
		name := string(b[:size])
		cat[name] = catalogEntry{id: uint32(id), order: store.Order(b[size]), kind: store.Kind(b[size+1])}
		b = b[size+2:]
	}
	return cat, nil
}
