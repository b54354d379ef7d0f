package scylla

import (
	"fmt"

	"github.com/herd-social/herd/store"
)

// Every logical table is a CQL table of the keyspace, named as declared:
//
//	rows:     (pk blob, ck blob, v blob,    PRIMARY KEY ((pk), ck))
//	counters: (pk blob, ck blob, c counter, PRIMARY KEY ((pk), ck))
//
// with CLUSTERING ORDER BY (ck ASC|DESC) as declared, and a rows table's default TTL
// as its default_time_to_live. Blobs compare as unsigned bytes, the order of the
// contract.

// bound kinds, indexes of table.scans.
const (
	unbounded = iota
	exclusive
	inclusive
)

// table is a declared table and the CQL statements that serve it. gocql prepares each
// statement on first use and keeps it prepared.
type table struct {
	store.Table
	keyspace string
	qname    string // keyspace.name

	get, multiGet, counters                  string
	put, putTTL, putIfAbsent, putIfAbsentTTL string
	del, delPartition, add                   string
	// scans[lower][upper][desc][limited] selects ck, v of one partition.
	scans [3][3][2][2]string
}

func newTable(keyspace string, t store.Table) *table {
	q := keyspace + "." + t.Name
	tb := &table{Table: t, keyspace: keyspace, qname: q}
	tb.del = "DELETE FROM " + q + " WHERE pk = ? AND ck = ?"
	tb.delPartition = "DELETE FROM " + q + " WHERE pk = ?"
	if t.Kind == store.Counters {
		tb.add = "UPDATE " + q + " SET c = c + ? WHERE pk = ? AND ck = ?"
		tb.counters = "SELECT ck, c FROM " + q + " WHERE pk = ? AND ck IN ?"
		return tb
	}
	tb.get = "SELECT v FROM " + q + " WHERE pk = ? AND ck = ?"
	tb.multiGet = "SELECT ck, v FROM " + q + " WHERE pk = ? AND ck IN ?"
	insert := "INSERT INTO " + q + " (pk, ck, v) VALUES (?, ?, ?)"
	tb.put = insert
	tb.putTTL = insert + " USING TTL ?"
	tb.putIfAbsent = insert + " IF NOT EXISTS"
	tb.putIfAbsentTTL = insert + " IF NOT EXISTS USING TTL ?"
	for lower := range 3 {
		for upper := range 3 {
			for desc := range 2 {
				for limited := range 2 {
					tb.scans[lower][upper][desc][limited] = scanStatement(q, lower, upper, desc == 1, limited == 1)
				}
			}
		}
	}
	return tb
}

// scanStatement is a select of one partition within bounds, in one direction.
func scanStatement(qname string, lower, upper int, desc, limited bool) string {
	s := "SELECT ck, v FROM " + qname + " WHERE pk = ?"
	switch lower {
	case exclusive:
		s += " AND ck > ?"
	case inclusive:
		s += " AND ck >= ?"
	}
	switch upper {
	case exclusive:
		s += " AND ck < ?"
	case inclusive:
		s += " AND ck <= ?"
	}
	if desc {
		s += " ORDER BY ck DESC"
	} else {
		s += " ORDER BY ck ASC"
	}
	if limited {
		s += " LIMIT ?"
	}
	return s
}

// createStatement is the CQL that creates t if it does not exist.
func (t *table) createStatement() string {
	value := "v blob"
	if t.Kind == store.Counters {
		value = "c counter"
	}
	order := "ASC"
	if t.Order == store.Desc {
		order = "DESC"
	}
	s := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (pk blob, ck blob, %s, PRIMARY KEY ((pk), ck)) WITH CLUSTERING ORDER BY (ck %s)",
		t.qname, value, order)
	if t.TTL > 0 {
		secs, _ := ttlSeconds(t.TTL) // in range: Options.Validate checked it
		s += fmt.Sprintf(" AND default_time_to_live = %d", secs)
	}
	return s
}
