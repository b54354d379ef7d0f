// What the masto.js scripts share: steps that print one line each and stop the run
// at the first failure, the description of a failure, the record of the last HTTP
// exchange, and the run's last line ("NAME: N passed, M failed").

import assert from "node:assert/strict";
import { MastoHttpError, MastoTimeoutError } from "masto";

export class StepFailure extends Error {}
export class WaitTimeout extends Error {}

let passed = 0;
let failureContext = () => [];

// Remember the last HTTP exchange (masto.js's REST client calls the global fetch), so
// that a failure can say which request it was and what came back.
let lastExchange = "none";
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  const url = input instanceof Request ? input.url : String(input);
  lastExchange = `${method} ${url}`;
  const res = await realFetch(input, init);
  lastExchange += ` -> ${res.status} ${res.headers.get("content-type") ?? "(no Content-Type)"}`;
  return res;
};

/** Sets what a failed step prints after the last request: f returns lines. */
export function onStepFailure(f) {
  failureContext = f;
}

/** Runs one step; prints "ok" or the failure and stops the run. */
export async function step(name, fn) {
  let result;
  try {
    result = await fn();
  } catch (err) {
    console.log(`FAIL ${name}`);
    console.log(indent(describe(err)));
    console.log(indent(`last request: ${lastExchange}`));
    for (const line of failureContext()) console.log(indent(line));
    throw new StepFailure(name);
  }
  passed++;
  console.log(`ok   ${String(passed).padStart(2)} ${name}`);
  return result;
}

export function describe(err) {
  if (err instanceof MastoHttpError) {
    const url = err.cause instanceof Response ? ` ${err.cause.url}` : "";
    let s = `HTTP ${err.statusCode}${url}: ${err.message}`;
    if (err.description) s += ` (${err.description})`;
    if (err.details) s += `\ndetails: ${JSON.stringify(err.details)}`;
    if (err.additionalProperties && Object.keys(err.additionalProperties).length > 0) {
      s += `\nbody: ${JSON.stringify(err.additionalProperties)}`;
    }
    if (err.statusCode === 429 && url.endsWith("/api/v1/accounts")) {
      s += "\nsign-ups are limited to 5 per IP per 30 minutes: run this script against a fresh server (run.sh does)";
    }
    return s;
  }
  if (err instanceof MastoTimeoutError) return `request timed out: ${err.message}`;
  if (err instanceof TypeError && err.message === "fetch failed") {
    const c = err.cause;
    const why = c ? `${c.code ?? c.name}: ${c.message}` : "unknown cause";
    return `cannot reach the server at HERD_URL=${process.env.HERD_URL} (${why})`;
  }
  if (err instanceof assert.AssertionError) return `assertion failed: ${err.message}`;
  if (err instanceof WaitTimeout) return err.message;
  if (err instanceof TypeError && String(err.stack).includes("createError")) {
    // masto.js cannot read an error whose body is not JSON (Content-Type application/json).
    return `the server answered an error without a JSON body, which masto.js cannot read (${err.message})`;
  }
  return err?.stack ?? String(err);
}

export const indent = (s) =>
  String(s)
    .split("\n")
    .map((l) => `     ${l}`)
    .join("\n");

/** Runs main, which returns true when every step passed, and prints the last line. */
export async function run(name, main) {
  let ok = false;
  try {
    ok = await main();
  } catch (err) {
    if (!(err instanceof StepFailure)) {
      console.log("FAIL (outside a step)");
      console.log(indent(describe(err)));
    }
  }
  console.log(`${name}: ${passed} passed, ${ok ? 0 : 1} failed`);
  process.exitCode = ok ? 0 : 1;
}
