// A profile's mute and block buttons. Muting asks for how long and whether the
// account's notifications are hidden too; blocking asks to be confirmed. Each shows
// its undoing (Unmute, Unblock) once done, as the relationship says.
import { useState } from "react";
import { useRelationshipQuery } from "../accounts";
import type { Account } from "../entities";
import { formatDuration, useT } from "../i18n";
import { muteDurations, useRelateMutation } from "../relations";

export function ProfileRelations({ account }: { account: Account }) {
  const { data: rel } = useRelationshipQuery(account.id);
  const [relate, { isLoading }] = useRelateMutation();
  const t = useT();
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
            {t("relations.unmute")}
          </button>
        ) : (
          <button type="button" aria-expanded={asking === "mute"} onClick={() => setAsking(asking === "mute" ? null : "mute")}>
            {t("relations.mute")}
          </button>
        )}
        {rel.blocking ? (
          <button type="button" disabled={isLoading} onClick={() => void act("unblock")}>
            {t("relations.unblock")}
          </button>
        ) : (
          <button type="button" aria-expanded={asking === "block"} onClick={() => setAsking(asking === "block" ? null : "block")}>
            {t("relations.block")}
          </button>
        )}
        {rel.muting ? <span className="muted">{rel.muting_notifications ? t("relations.mutedNotifications") : t("relations.muted")}</span> : null}
        {rel.blocking ? <span className="muted">{t("relations.blocked")}</span> : null}
      </div>
      {asking === "mute" ? (
        <form
          className="ask"
          aria-label={t("relations.muteName", { name })}
          onSubmit={(e) => {
            e.preventDefault();
            void act("mute");
          }}
        >
          <p>{t("relations.muteHelp")}</p>
          <label>
            {t("relations.duration")}{" "}
            <select aria-label={t("relations.muteDuration")} value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
              {muteDurations.map((d) => (
                <option key={d.seconds} value={d.seconds}>
                  {d.label ? t(d.label) : formatDuration(d.seconds)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input type="checkbox" checked={notifications} onChange={(e) => setNotifications(e.target.checked)} /> {t("relations.hideNotifications")}
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={isLoading}>
              {t("relations.muteName", { name })}
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      ) : null}
      {asking === "block" ? (
        <div className="ask" role="group" aria-label={t("relations.blockName", { name })}>
          <p>{t("relations.blockHelp")}</p>
          <div className="row">
            <button type="button" className="danger" disabled={isLoading} onClick={() => void act("block")}>
              {t("relations.blockName", { name })}
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              {t("common.cancel")}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
