// axe-core (from npm) run inside the page on a screen, in the light theme and in the
// dark one (prefers-color-scheme emulated): a serious or critical violation fails the
// step, naming the rule and the first elements it found. The dark screen is kept as a
// screenshot beside the light one.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes
        .slice(0, 3)
        .map((n) => `${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join(" ").trim()}`)
        .join("; ")}`);
  });
}

/** Fails when axe finds a serious or critical violation on the screen, light or dark. */
export async function accessible(page, name, shots) {
  const found = [];
  try {
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      // Let the theme's colours settle before they are measured.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      for (const v of await audit(page)) found.push(`${scheme}: ${v}`);
      if (scheme === "dark" && shots) await page.screenshot({ path: `${shots}${name}-dark.png` });
    }
  } finally {
    await page.emulateMedia({ colorScheme: "light" });
  }
  if (found.length > 0) throw new Error(`axe on ${name}:\n  ${found.join("\n  ")}`);
}
