// /web/oauth/callback: where the sign-in page sends the browser back with a code.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { api } from "../api";
import { signedIn } from "../authSlice";
import { useAppDispatch } from "../hooks";
import { useT } from "../i18n";
import { reset } from "../liveSlice";
import { completeSignIn } from "../oauth";

export function Callback() {
  const dispatch = useAppDispatch();
  const navigate = useNavigate();
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // the code can be exchanged once (StrictMode runs effects twice)
    started.current = true;
    completeSignIn(location.search)
      .then((token) => {
        // Nothing read with an earlier token is shown to this one.
        dispatch(api.util.resetApiState());
        dispatch(reset());
        dispatch(signedIn(token));
        void navigate("/web/home", { replace: true });
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [dispatch, navigate]);
  return (
    <main className="centered">
      {error ? (
        <>
          <h1>{t("callback.failed")}</h1>
          <p className="error" role="alert">
            {error}
          </p>
          <Link to="/">{t("callback.again")}</Link>
        </>
      ) : (
        <p>{t("callback.signingIn")}</p>
      )}
    </main>
  );
}
