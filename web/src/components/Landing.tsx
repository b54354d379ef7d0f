// What a signed-out browser sees: the instance and a way in.
import { useState } from "react";
import { useInstanceQuery } from "../api";
import { useT } from "../i18n";
import { beginSignIn } from "../oauth";

export function Landing() {
  const { data: instance } = useInstanceQuery();
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signIn = () => {
    setBusy(true);
    setError(null);
    beginSignIn().catch((e: unknown) => {
      setBusy(false);
      setError(e instanceof Error ? e.message : String(e));
    });
  };
  return (
    <main className="centered">
      <h1>{instance?.title ?? "Herd"}</h1>
      {instance?.description ? <p>{instance.description}</p> : null}
      <button type="button" className="primary" onClick={signIn} disabled={busy}>
        {t("landing.signIn")}
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </main>
  );
}
