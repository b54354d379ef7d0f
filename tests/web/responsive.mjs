// The app on a phone (375×740) and a tablet (768×1024), as steps of e2e.mjs run while
// ada is signed in: home, notifications, a thread and a profile are no wider than the
// screen (nothing scrolls sideways), every entry of the navigation is on screen and
// opens its page, and the compose box fits and posts. Screenshots of each screen at
// each width go to ./screenshots.

/** The elements wider than the viewport or reaching past its right edge (at most 5), for the failure. */
function overflowing(page) {
  return page.evaluate(() => {
    const w = window.innerWidth;
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5)) {
        out.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w, culprits: out.slice(0, 5) };
  });
}

async function fits(page, what, expect) {
  const o = await overflowing(page);
  expect(o.scrollWidth <= o.innerWidth, `${what}: ${o.scrollWidth}px wide in ${o.innerWidth}px: ${o.culprits.join("; ")}`);
}

export async function responsiveSteps({ page, people, nonce, base, shots, step, must, until, expect, noProblems }) {
  const bobPost = (await must("GET", `/api/v1/accounts/${people.bob.id}/statuses?limit=1`, people.ada.token))[0];
  const screens = [
    ["home", "/web/home", "Home"],
    ["notifications", "/web/notifications", "Notifications"],
    ["thread", `/web/statuses/${bobPost?.id}`, "Thread"],
    ["profile", `/web/accounts/${people.bob.id}`, null],
  ];
  for (const [width, height] of [
    [375, 740],
    [768, 1024],
  ]) {
    await step(`at ${width}×${height}: home, notifications, a thread and a profile fit the screen; the navigation is on it; compose posts`, async () => {
      expect(bobPost, "bob has no post to open");
      await page.setViewportSize({ width, height });
      for (const [name, path, heading] of screens) {
        await page.goto(base + path);
        if (heading) await page.getByRole("heading", { name: heading, exact: true }).first().waitFor();
        else await page.getByText(`bob's bio ${nonce}`).first().waitFor();
        await page.locator("main li").first().waitFor();
        await fits(page, `${name} at ${width}px`, expect);
        await page.screenshot({ path: shots + `${name}-${width}.png` });
      }
      // Every entry of the navigation can be reached on screen, and opens its page.
      await page.goto(base + "/web/home");
      const nav = page.getByRole("navigation", { name: "Timelines" });
      const links = nav.getByRole("link");
      const n = await links.count();
      expect(n >= 8, `the navigation has ${n} links`);
      for (let i = 0; i < n; i++) {
        const link = links.nth(i);
        await link.scrollIntoViewIfNeeded();
        const box = await link.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= width, `link ${i} (${await link.textContent()}) is off screen: ${JSON.stringify(box)}`);
      }
      await nav.getByRole("link", { name: /^Notifications/ }).click();
      await page.waitForURL((u) => u.pathname === "/web/notifications");
      await page.goto(base + "/web/home");
      // The compose box fits and posts.
      const text = page.getByRole("textbox", { name: "What's on your mind?" });
      await text.scrollIntoViewIfNeeded();
      const box = await text.boundingBox();
      // Wide enough to write in: most of a phone's width, the side column's beside the timeline.
      expect(box && box.x >= 0 && box.x + box.width <= width && box.width >= Math.min(width - 60, 240), `the compose box is ${JSON.stringify(box)} in ${width}px`);
      const said = `from a ${width}px screen ${nonce}`;
      await text.fill(said);
      const post = page.getByRole("button", { name: "Post", exact: true });
      await post.scrollIntoViewIfNeeded();
      const pbox = await post.boundingBox();
      expect(pbox && pbox.x + pbox.width <= width, `the Post button is off screen: ${JSON.stringify(pbox)}`);
      await post.click();
      await page.locator("main .status", { hasText: said }).waitFor();
      await until("the post is on the server", async () => (await must("GET", "/api/v1/timelines/home", people.ada.token)).some((s) => s.content.includes(said)));
      await fits(page, `home after posting at ${width}px`, expect);
      await page.screenshot({ path: shots + `compose-${width}.png` });
      noProblems();
    });
  }
  await page.setViewportSize({ width: 1100, height: 800 });
}
