// A button that asks before it acts (removing a rule, a webhook, a relay): its
// question and the confirming button in a group named after what is at stake.
import { useState, type ReactNode } from "react";
import { adminErrorText } from "../../admin";
import { useT } from "../../i18n";

interface Props {
  /** The accessible name of the first button, e.g. "Remove the rule No spam". */
  label: string;
  text?: string;
  /** The group's name, e.g. "Confirm removing No spam". */
  group: string;
  question: ReactNode;
  yes: string;
  busy: boolean;
  error: unknown;
  failed: string;
  onConfirm: () => void;
}

export function Confirm({ label, text, group, question, yes, busy, error, failed, onConfirm }: Props) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  return (
    <>
      {asking ? (
        <span role="group" aria-label={group}>
          {question}{" "}
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => {
              setAsking(false);
              onConfirm();
            }}
          >
            {yes}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            {t("common.cancel")}
          </button>
        </span>
      ) : (
        <button type="button" aria-label={label} onClick={() => setAsking(true)}>
          {text ?? t("compose.remove")}
        </button>
      )}
      {error ? (
        <span className="error" role="alert">
          {failed}: {adminErrorText(error)}
        </span>
      ) : null}
    </>
  );
}
