// /web/moderation/relays: the relays the server subscribes to (by their inbox or
// actor URL), each with where its subscription stands; one is subscribed again or
// unsubscribed, and removed after a confirmation.
import { useState, type FormEvent } from "react";
import { adminErrorText } from "../../admin";
import {
  relayStateLabels,
  useAddRelayMutation,
  useRelayDoMutation,
  useRelaysQuery,
  useRemoveRelayMutation,
  type AdminRelay,
} from "../../serverAdmin";
import { Confirm } from "./Confirm";

export function Relays() {
  const q = useRelaysQuery(undefined, { refetchOnMountOrArgChange: true });
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The relays could not be loaded: {adminErrorText(q.error)}.</p>;
  else if (!q.data || q.data.length === 0) body = <p className="muted">The server subscribes to no relay.</p>;
  else {
    body = (
      <ul className="admin-items" aria-label="Relays">
        {q.data.map((r) => (
          <RelayItem key={r.id} relay={r} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label="Relays">
      <RelayForm />
      <h2>Relays</h2>
      {body}
    </section>
  );
}

export function RelayItem({ relay: r }: { relay: AdminRelay }) {
  const [act, { isLoading: acting, error: actError }] = useRelayDoMutation();
  const [remove, { isLoading: removing, error: removeError }] = useRemoveRelayMutation();
  const following = r.state === "pending" || r.state === "accepted";
  return (
    <li className="admin-item" data-relay={r.inbox_url}>
      <span className="admin-item-main">
        <strong>{r.inbox_url}</strong>
        <span className="muted">
          {r.protocol === "litepub" ? "LitePub relay" : "Mastodon relay"} · added {new Date(r.created_at).toLocaleDateString()}
        </span>
      </span>
      <span className={`state relay-${r.state}`}>{relayStateLabels[r.state] ?? r.state}</span>
      <button type="button" disabled={acting} onClick={() => void act({ id: r.id, verb: following ? "disable" : "enable" })}>
        {following ? "Unsubscribe" : "Subscribe again"}
      </button>
      {actError ? (
        <span className="error" role="alert">
          Not changed: {adminErrorText(actError)}
        </span>
      ) : null}
      <Confirm
        label={`Remove the relay ${r.inbox_url}`}
        group={`Confirm removing ${r.inbox_url}`}
        question="Remove this relay? The server unsubscribes first."
        yes="Yes, remove it"
        busy={removing}
        error={removeError}
        failed="Not removed"
        onConfirm={() => void remove(r.id)}
      />
    </li>
  );
}

function RelayForm() {
  const [inbox, setInbox] = useState("");
  const [add, { isLoading, error, reset }] = useAddRelayMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!inbox.trim()) return;
    const out = await add(inbox);
    if ("data" in out) setInbox("");
  };
  return (
    <form className="settings-form" aria-label="Subscribe to a relay" onSubmit={(e) => void submit(e)}>
      <h2>Subscribe to a relay</h2>
      <label>
        Relay inbox or actor URL
        <input
          type="text"
          inputMode="url"
          value={inbox}
          placeholder="https://relay.example/inbox"
          onChange={(e) => {
            reset();
            setInbox(e.target.value);
          }}
        />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !inbox.trim()}>
          {isLoading ? "Subscribing…" : "Subscribe"}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          The relay was not added: {adminErrorText(error)}
        </p>
      ) : null}
    </form>
  );
}
