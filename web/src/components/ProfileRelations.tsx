// A profile's mute and block buttons. Muting asks for how long and whether the
// account's notifications are hidden too; blocking asks to be confirmed. Each shows
// its undoing (Unmute, Unblock) once done, as the relationship says.
import { useState } from "react";
import { useRelationshipQuery } from "../accounts";
import type { Account } from "../entities";
import { muteDurations, useRelateMutation } from "../relations";

export function ProfileRelations({ account }: { account: Account }) {
  const { data: rel } = useRelationshipQuery(account.id);
  const [relate, { isLoading }] = useRelateMutation();
  const [asking, setAsking] = useState<"mute" | "block" | null>(null);
  const [duration, setDuration] = useState(0);
  const [notifications, setNotifications] = useState(true);
  if (!rel) return null;
  const name = `@${account.acct}`;
  const act = async (action: "mute" | "unmute" | "block" | "unblock") => {
    await relate({ id: account.id, action, duration, notifications });
    setAsking(null);
  };
  return (
    <div className="relations">
      <div className="row">
        {rel.muting ? (
          <button type="button" disabled={isLoading} onClick={() => void act("unmute")}>
            Unmute
          </button>
        ) : (
          <button type="button" aria-expanded={asking === "mute"} onClick={() => setAsking(asking === "mute" ? null : "mute")}>
            Mute
          </button>
        )}
        {rel.blocking ? (
          <button type="button" disabled={isLoading} onClick={() => void act("unblock")}>
            Unblock
          </button>
        ) : (
          <button type="button" aria-expanded={asking === "block"} onClick={() => setAsking(asking === "block" ? null : "block")}>
            Block
          </button>
        )}
        {rel.muting ? <span className="muted">Muted{rel.muting_notifications ? ", notifications too" : ""}</span> : null}
        {rel.blocking ? <span className="muted">Blocked</span> : null}
      </div>
      {asking === "mute" ? (
        <form
          className="ask"
          aria-label={`Mute ${name}`}
          onSubmit={(e) => {
            e.preventDefault();
            void act("mute");
          }}
        >
          <p>Their posts and boosts leave your timelines; they are not told.</p>
          <label>
            Duration{" "}
            <select aria-label="Mute duration" value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
              {muteDurations.map((d) => (
                <option key={d.seconds} value={d.seconds}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input type="checkbox" checked={notifications} onChange={(e) => setNotifications(e.target.checked)} /> Hide their notifications
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={isLoading}>
              Mute {name}
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {asking === "block" ? (
        <div className="ask" role="group" aria-label={`Block ${name}`}>
          <p>They will not see your posts or follow you, and you stop following each other.</p>
          <div className="row">
            <button type="button" className="danger" disabled={isLoading} onClick={() => void act("block")}>
              Block {name}
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
