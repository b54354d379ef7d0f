// /web/moderation/domain_allows: the domains that may federate when the server is in
// limited-federation mode (the page says whether it is), newest first; one is added
// (typed or pasted) and removed after a confirmation.
import { useState, type FormEvent } from "react";
import { adminErrorText, cleanDomain, domainReady } from "../../admin";
import { useInstanceQuery } from "../../api";
import { useAllowDomainMutation, useDisallowDomainMutation, useDomainAllowsInfiniteQuery, type AdminDomainAllow } from "../../serverAdmin";
import { Confirm } from "./Confirm";

export function DomainAllows() {
  const q = useDomainAllowsInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const limited = useInstanceQuery().data?.configuration.limited_federation;
  const allows = q.data?.pages.flatMap((p) => p.items) ?? [];
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The allowed domains could not be loaded: {adminErrorText(q.error)}.</p>;
  else if (allows.length === 0) body = <p className="muted">No domain is allowed.</p>;
  else {
    body = (
      <ul className="admin-items" aria-label="Allowed domains">
        {allows.map((a) => (
          <AllowItem key={a.id} allow={a} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label="Domain allows">
      <p className="muted">
        {limited
          ? "The server is in limited-federation mode: only these domains and their subdomains federate with it."
          : "The server federates with every domain it does not block; this list applies only in limited-federation mode (limited_federation_mode)."}
      </p>
      <AllowForm />
      <h2>Allowed domains</h2>
      {body}
      {q.hasNextPage && allows.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}

export function AllowItem({ allow: a }: { allow: AdminDomainAllow }) {
  const [remove, { isLoading, error }] = useDisallowDomainMutation();
  return (
    <li className="admin-item" data-domain={a.domain}>
      <strong className="admin-item-main">{a.domain}</strong>
      <span className="muted">since {new Date(a.created_at).toLocaleDateString()}</span>
      <Confirm
        label={`Remove ${a.domain} from the allowed domains`}
        group={`Confirm removing ${a.domain}`}
        question={`Stop allowing ${a.domain}?`}
        yes="Yes, remove it"
        busy={isLoading}
        error={error}
        failed="Not removed"
        onConfirm={() => void remove(a.id)}
      />
    </li>
  );
}

function AllowForm() {
  const [domain, setDomain] = useState("");
  const [allow, { isLoading, error, reset }] = useAllowDomainMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!domainReady(domain)) return;
    const out = await allow(cleanDomain(domain));
    if (out.data) setDomain("");
  };
  return (
    <form className="row-form" aria-label="Allow a domain" onSubmit={(e) => void submit(e)}>
      <input
        type="text"
        aria-label="Domain to allow"
        placeholder="example.com"
        value={domain}
        onChange={(e) => {
          reset();
          setDomain(e.target.value);
        }}
      />
      <button type="submit" className="primary" disabled={isLoading || !domainReady(domain)}>
        Allow domain
      </button>
      {error ? (
        <span className="error" role="alert">
          The domain was not allowed: {adminErrorText(error)}
        </span>
      ) : null}
    </form>
  );
}
