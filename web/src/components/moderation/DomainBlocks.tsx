// /web/moderation/domain_blocks: the domains the server limits or refuses, newest
// first, each removed after a confirmation; and the form that adds one (severity,
// rejecting media or reports, a public and a private comment).
import { useState, type FormEvent } from "react";
import {
  adminErrorText,
  domainBlockReady,
  newDomainBlock,
  severityLabels,
  useBlockDomainMutation,
  useDomainBlocksInfiniteQuery,
  useUnblockDomainMutation,
  type DomainBlockDraft,
} from "../../admin";
import type { AdminDomainBlock, DomainBlockSeverity } from "../../entities";

export function DomainBlocks() {
  const q = useDomainBlocksInfiniteQuery(undefined, { refetchOnMountOrArgChange: true });
  const blocks = q.data?.pages.flatMap((p) => p.items) ?? [];
  let body;
  if (q.isLoading) body = <p className="muted">Loading…</p>;
  else if (q.error) body = <p className="error">The domain blocks could not be loaded: {adminErrorText(q.error)}.</p>;
  else if (blocks.length === 0) body = <p className="muted">No domain is blocked.</p>;
  else {
    body = (
      <ul className="domain-blocks" aria-label="Blocked domains">
        {blocks.map((b) => (
          <BlockItem key={b.id} block={b} />
        ))}
      </ul>
    );
  }
  return (
    <section aria-label="Domain blocks">
      <BlockForm />
      <h2>Blocked domains</h2>
      {body}
      {q.hasNextPage && blocks.length > 0 ? (
        <button type="button" className="older" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {q.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}

function BlockItem({ block: b }: { block: AdminDomainBlock }) {
  const [confirming, setConfirming] = useState(false);
  const [remove, { isLoading, error }] = useUnblockDomainMutation();
  const extras = [b.reject_media ? "media rejected" : "", b.reject_reports ? "reports rejected" : ""].filter(Boolean);
  return (
    <li className="domain-block" data-domain={b.domain}>
      <strong>{b.domain}</strong>
      <span className="muted">
        {severityLabels[b.severity]}
        {extras.length > 0 ? ` · ${extras.join(", ")}` : ""} · since {new Date(b.created_at).toLocaleDateString()}
      </span>
      {b.public_comment ? <span>Public: {b.public_comment}</span> : null}
      {b.private_comment ? <span className="muted">Private: {b.private_comment}</span> : null}
      <span className="spacer" />
      {confirming ? (
        <span role="group" aria-label={`Confirm removing ${b.domain}`}>
          Lift the block on {b.domain}?{" "}
          <button type="button" className="danger" disabled={isLoading} onClick={() => void remove(b.id)}>
            Yes, lift it
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" aria-label={`Remove the block on ${b.domain}`} onClick={() => setConfirming(true)}>
          Remove
        </button>
      )}
      {error ? (
        <span className="error" role="alert">
          Not removed: {adminErrorText(error)}
        </span>
      ) : null}
    </li>
  );
}

function BlockForm() {
  const [d, setD] = useState<DomainBlockDraft>(newDomainBlock);
  const [block, { isLoading, error, reset }] = useBlockDomainMutation();
  const change = (c: Partial<DomainBlockDraft>) => {
    reset();
    setD({ ...d, ...c });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!domainBlockReady(d)) return;
    const out = await block(d);
    if ("data" in out) setD(newDomainBlock());
  };
  return (
    <form className="settings-form" aria-label="Block a domain" onSubmit={(e) => void submit(e)}>
      <h2>Block a domain</h2>
      <label>
        Domain
        <input type="text" value={d.domain} placeholder="example.com" onChange={(e) => change({ domain: e.target.value })} />
      </label>
      <label>
        Severity
        <select value={d.severity} onChange={(e) => change({ severity: e.target.value as DomainBlockSeverity })}>
          {(Object.keys(severityLabels) as DomainBlockSeverity[]).map((s) => (
            <option key={s} value={s}>
              {severityLabels[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={d.rejectMedia} onChange={(e) => change({ rejectMedia: e.target.checked })} /> Reject media files
      </label>
      <label>
        <input type="checkbox" checked={d.rejectReports} onChange={(e) => change({ rejectReports: e.target.checked })} /> Reject reports
      </label>
      <label>
        Public comment
        <input type="text" value={d.publicComment} onChange={(e) => change({ publicComment: e.target.value })} />
      </label>
      <label>
        Private comment
        <input type="text" value={d.privateComment} onChange={(e) => change({ privateComment: e.target.value })} />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={isLoading || !domainBlockReady(d)}>
          {isLoading ? "Blocking…" : "Block domain"}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          The domain was not blocked: {adminErrorText(error)}
        </p>
      ) : null}
    </form>
  );
}
