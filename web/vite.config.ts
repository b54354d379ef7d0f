// Vite builds the app into dist/app, which package web embeds in the binary; the
// committed dist/README.md stays, so that a clone without Node still compiles.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist/app",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
  },
  server: {
    // `npm run dev` against a node on :8080 (make run): the API and the sign-in page
    // are proxied, the WebSocket included.
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", ws: true },
      "/oauth": "http://127.0.0.1:8080",
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
