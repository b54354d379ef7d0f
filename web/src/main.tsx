import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "react-redux";
import { BrowserRouter } from "react-router";
import { App } from "./components/App";
import { applyLanguage, browserLanguages, keptLanguage, pickLanguage } from "./i18n";
import { keptToken } from "./oauth";
import { makeStore } from "./store";
import "./styles.css";
import { applyTheme, keptTheme } from "./theme";

applyTheme(keptTheme());
// The browser's language until the account says its own (Shell).
applyLanguage(pickLanguage([keptLanguage(), ...browserLanguages()])).catch((e: unknown) => console.warn("loading the language failed", e));

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <Provider store={makeStore(keptToken())}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </Provider>
  </StrictMode>,
);
