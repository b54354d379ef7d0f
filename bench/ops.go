package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// errNoTarget is an interaction that found no status to act on.
var errNoTarget = errors.New("bench: no recent status to interact with")

// outcome is what a job did: the row it is recorded under, the answer, when the
// answer arrived, and the id of the status it created, if any, with its cursor (see
// homeLookup).
type outcome struct {
	op            Op
	reply         reply
	err           error
	done          time.Time
	posted, after string
}

// exec performs a job's request.
func (r *runner) exec(j job) outcome {
	switch j.op {
	case OpPost:
		return r.post(j)
	case OpHome:
		return r.home(j)
	case OpPublic:
		return r.get(OpPublic, "/api/v1/timelines/public?limit=20", j.user.Token)
	case OpNotifications:
		return r.get(OpNotifications, "/api/v1/notifications?limit=15", j.user.Token)
	case OpFavourite, OpReblog:
		return r.interact(j)
	}
	panic(fmt.Sprintf("bench: operation %q has no implementation", j.op))
}

func (r *runner) get(op Op, path, token string) outcome {
	rep, err := r.a.send("GET", path, token, nil, false)
	return outcome{op: op, reply: rep, err: err, done: time.Now()}
}

// post publishes a public status; one in four carries a hashtag and one in eight
// mentions another account, as real timelines do.
func (r *runner) post(j job) outcome {
	text := fmt.Sprintf("bench post %x from %s", j.roll>>32, j.user.Name)
	if j.roll%4 == 0 {
		text += " #herdbench"
	}
	if j.roll%8 == 1 {
		users := r.pop.users
		text += " @" + users[(j.roll>>8)%uint64(len(users))].Name
	}
	after := r.pop.cursor.load(time.Now())
	rep, err := r.a.send("POST", "/api/v1/statuses", j.user.Token, url.Values{"status": {text}, "visibility": {"public"}}, true)
	out := outcome{op: OpPost, reply: rep, err: err, done: time.Now(), after: after}
	if err == nil && rep.ok() {
		var st entityID
		if json.Unmarshal(rep.body, &st) == nil && st.ID != "" {
			out.posted = st.ID
			r.pop.cursor.store(st.ID, out.done)
		}
	}
	return out
}

// home reads the user's home timeline: one time in three the next (older) page after
// the user's last read, following its Link header, else the newest page.
func (r *runner) home(j job) outcome {
	op, path := OpHome, "/api/v1/timelines/home?limit=20"
	if next := j.user.next.Load(); next != nil && j.roll%3 == 0 {
		op, path = OpHomeNext, "/api/v1/timelines/home?"+*next
	}
	out := r.get(op, path, j.user.Token)
	if out.err == nil && out.reply.ok() {
		if q, ok := nextQuery(out.reply.link); ok {
			j.user.next.Store(&q)
		} else {
			j.user.next.Store(nil)
		}
	}
	return out
}

// interact favourites or boosts one of the statuses created recently.
func (r *runner) interact(j job) outcome {
	id, ok := r.pop.recent.pick(j.roll)
	if !ok {
		return outcome{op: j.op, err: errNoTarget, done: time.Now()}
	}
	rep, err := r.a.send("POST", "/api/v1/statuses/"+url.PathEscape(id)+"/"+string(j.op), j.user.Token, nil, false)
	return outcome{op: j.op, reply: rep, err: err, done: time.Now()}
}
