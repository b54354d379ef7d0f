// The compose box's images and polls, as steps of e2e.mjs (which passes its page,
// people and helpers): ada picks two images, removes one, gives the other alt text
// and a focal point (a click on its preview) and posts it, and the post shows the
// image with that alt text; she drafts a poll (no images then), posts it, votes in
// bob's poll in the page, and sees bob's vote in hers. She uploads a video, which shows
// as processing until the server has transcoded it, and posts it. Run while ada is
// signed in.

// A 1×1 PNG.
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

const near = (v, want) => Math.abs(v - want) <= 0.03;

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accessible } from "./axe.mjs";

/** A video of some seconds made by ffmpeg (the server needs ffmpeg for video too), long enough that transcoding it takes a while. */
function sampleVideo() {
  const dir = mkdtempSync(join(tmpdir(), "herd-web-video-"));
  try {
    const out = join(dir, "clip.mov");
    const r = spawnSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=12", "-c:v", "mpeg4", "-q:v", "8", out]);
    if (r.status !== 0) throw new Error(`ffmpeg: ${r.error ?? r.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function composeSteps({ page, people, nonce, base, shots, step, must, expect, noProblems }) {
  const box = () => page.getByRole("form", { name: "New post" });

  const alt = `a red dot on white ${nonce}`;
  const withImage = `a picture from ada ${nonce}`;
  await step("compose uploads two images, one removed, the other given alt text and a focal point; the post shows it with that alt text", async () => {
    await page.goto(`${base}/web/home`);
    await box().getByLabel("Add media").setInputFiles([
      { name: "dot.png", mimeType: "image/png", buffer: png },
      { name: "other.png", mimeType: "image/png", buffer: png },
    ]);
    await box().getByRole("textbox", { name: "Alt text for other.png" }).waitFor();
    await box().getByRole("button", { name: "Remove other.png" }).click();
    await box().getByRole("textbox", { name: "Alt text for dot.png" }).fill(alt);
    // The preview is 96 pixels square: a click three quarters right and a quarter down is 0.5,0.5 (y up).
    await box().getByRole("button", { name: "Focal point of dot.png: pick it" }).click({ position: { x: 72, y: 24 } });
    // A pixel either way is 0.02: the label and the server must both hold 0.5,0.5 within it.
    const picked = box().getByRole("button", { name: /^Focal point of dot\.png: 0\.\d+,0\.\d+$/ });
    await picked.waitFor();
    const [px, py] = ((await picked.getAttribute("aria-label")) ?? "").split(": ")[1].split(",").map(Number);
    expect(near(px, 0.5) && near(py, 0.5), `the picked focus is ${px},${py}, want 0.5,0.5`);
    expect(await box().getByRole("button", { name: "Add a poll" }).isDisabled(), "a poll can be added beside images");
    await page.screenshot({ path: shots + "compose-media.png" });
    await box().getByRole("textbox", { name: "What's on your mind?" }).fill(withImage);
    await box().getByRole("button", { name: "Post", exact: true }).click();
    const item = page.locator(".status", { hasText: withImage });
    await item.locator(`img[alt="${alt}"]`).waitFor();
    await item.locator("figcaption", { hasText: alt }).waitFor();
    expect((await box().getByRole("list", { name: "Attachments" }).count()) === 0, "the attachments stay in the box after posting");
    const own = await must("GET", `/api/v1/accounts/${people.ada.id}/statuses`, people.ada.token);
    const sent = own.find((s) => s.content.includes(withImage));
    const media = sent?.media_attachments ?? [];
    expect(media.length === 1 && media[0].description === alt && media[0].type === "image", `the server has ${JSON.stringify(media)}`);
    const focus = media[0].meta?.focus;
    expect(focus && focus.x === px && focus.y === py, `the media's focus is ${JSON.stringify(focus)}, want ${px},${py}`);
    noProblems();
  });

  const question = `tea or coffee ${nonce}`;
  let adaPoll;
  await step("compose posts a poll of three options for an hour (no images beside it); its author sees its results", async () => {
    await box().getByRole("button", { name: "Add a poll" }).click();
    expect(await box().getByLabel("Add media").isDisabled(), "media can be added beside a poll");
    await box().getByRole("textbox", { name: "Option 1" }).fill("tea");
    await box().getByRole("textbox", { name: "Option 2" }).fill("coffee");
    await box().getByRole("button", { name: "Add option" }).click();
    await box().getByRole("textbox", { name: "Option 3" }).fill("water");
    await box().getByRole("combobox", { name: "Poll length" }).selectOption({ label: "1 hour" });
    await box().getByRole("textbox", { name: "What's on your mind?" }).fill(question);
    await page.screenshot({ path: shots + "compose-poll.png" });
    await accessible(page, "compose-poll", shots);
    await box().getByRole("button", { name: "Post", exact: true }).click();
    const item = page.locator(".status", { hasText: question });
    await item.getByRole("form", { name: "Poll" }).getByText("0%").first().waitFor();
    const own = await must("GET", `/api/v1/accounts/${people.ada.id}/statuses`, people.ada.token);
    adaPoll = own.find((s) => s.content.includes(question));
    const p = adaPoll?.poll;
    const minutes = p ? (Date.parse(p.expires_at) - Date.parse(adaPoll.created_at)) / 60000 : 0;
    expect(
      p && p.options.map((o) => o.title).join() === "tea,coffee,water" && !p.multiple && minutes > 55 && minutes < 65,
      `the server has ${JSON.stringify(p)}`,
    );
    noProblems();
  });

  await step("ada votes in bob's poll in the page: the results show her vote; bob's vote shows in hers", async () => {
    const bobs = await must("POST", "/api/v1/statuses", people.bob.token, {
      status: `bob asks ${nonce}`,
      poll: { options: ["yes", "no"], expires_in: 3600 },
      visibility: "public",
    });
    await page.goto(`${base}/web/statuses/${bobs.id}`);
    const poll = page.locator(".status.focused").getByRole("form", { name: "Poll" });
    await poll.getByRole("radio", { name: "no" }).check();
    await poll.getByRole("button", { name: "Vote" }).click();
    await poll.getByText("(your vote)").waitFor();
    expect((await poll.locator(".option.own").textContent())?.includes("100%"), "ada's choice does not show 100%");
    const after = await must("GET", `/api/v1/polls/${bobs.poll.id}`, people.ada.token);
    expect(after.voted && after.own_votes.join() === "1" && after.votes_count === 1, `the server has ${JSON.stringify(after)}`);

    await must("POST", `/api/v1/polls/${adaPoll.poll.id}/votes`, people.bob.token, { choices: ["1"] });
    await page.goto(`${base}/web/statuses/${adaPoll.id}`);
    const mine = page.locator(".status.focused").getByRole("form", { name: "Poll" });
    await mine.locator(".option", { hasText: "coffee" }).getByText("100%").waitFor();
    await mine.getByText("1 person").waitFor();
    await page.screenshot({ path: shots + "poll.png" });
    noProblems();
  });

  const withVideo = `a clip from ada ${nonce}`;
  await step("compose uploads a video: it shows as processing until the server has transcoded it, then takes alt text and posts", async () => {
    await page.goto(`${base}/web/home`);
    await box().getByLabel("Add media").setInputFiles({ name: "clip.mov", mimeType: "video/quicktime", buffer: sampleVideo() });
    await box().getByRole("status").getByText("Processing…").waitFor();
    await box().getByRole("progressbar", { name: "Processing clip.mov" }).waitFor();
    const post = box().getByRole("button", { name: "Post", exact: true });
    await box().getByRole("textbox", { name: "What's on your mind?" }).fill(withVideo);
    expect(await post.isDisabled(), "a post can be sent while its video is processing");
    await page.screenshot({ path: shots + "compose-video-processing.png" });
    const alt = box().getByRole("textbox", { name: "Alt text for clip.mov" });
    await alt.waitFor({ timeout: 120_000 });
    expect((await box().getByRole("status").count()) === 0, "the processing state stays once the video is ready");
    await alt.fill(`a test pattern ${nonce}`);
    await post.click();
    const item = page.locator(".status", { hasText: withVideo });
    await item.locator("video").waitFor();
    const own = await must("GET", `/api/v1/accounts/${people.ada.id}/statuses`, people.ada.token);
    const media = own.find((s) => s.content.includes(withVideo))?.media_attachments ?? [];
    expect(media.length === 1 && media[0].type === "video" && media[0].url?.endsWith(".mp4") && media[0].description === `a test pattern ${nonce}`, `the server has ${JSON.stringify(media)}`);
    noProblems();
  });
}
