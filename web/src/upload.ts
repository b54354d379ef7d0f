// One file's upload (an image, a video, audio), as Mastodon's web app does it: POST /api/v2/media with the
// file, whose answer is 200 once processed or 202 while it is processed; then GET
// /api/v1/media/:id until its url is set. XMLHttpRequest, not fetch, because only it
// reports the upload's progress.
import type { MediaAttachment } from "./entities";
import { focusParam, type Focus } from "./focus";

const pollMs = 500;
// Five minutes: a video is transcoded before it can be posted.
const maxPolls = 600;
/** The share of the progress the upload itself counts for; the rest is the server's processing. */
export const sentShare = 0.9;

export class UploadError extends Error {}

/** Sends the file and calls progress with the share sent (0 to 1); resolves with the processed attachment. */
export async function uploadMedia(file: File, token: string, progress: (share: number) => void): Promise<MediaAttachment> {
  const first = await send(file, token, progress);
  let media = first;
  for (let i = 0; media.url === null; i++) {
    if (i >= maxPolls) throw new UploadError(`${file.name}: still processing`);
    await new Promise((r) => setTimeout(r, pollMs));
    const res = await fetch(`/api/v1/media/${encodeURIComponent(media.id)}`, { headers: auth(token) });
    if (res.status === 206) continue;
    const body = (await res.json()) as MediaAttachment & { error?: string };
    if (!res.ok) throw new UploadError(body.error ?? `${file.name}: ${res.status}`);
    media = body;
  }
  progress(1);
  return media;
}

/** Sets an attachment's alt text and focal point (before the status that carries it is posted). */
export async function describeMedia(id: string, change: { description?: string; focus?: Focus }, token: string): Promise<void> {
  const res = await fetch(`/api/v1/media/${encodeURIComponent(id)}`, {
    method: "PUT",
    headers: { ...auth(token), "Content-Type": "application/json" },
    body: JSON.stringify(describeBody(change)),
  });
  if (!res.ok) throw new UploadError(`the description was not saved: ${res.status}`);
}

/** The body of PUT /api/v1/media/:id: only what is set (the focus as "x,y"). */
export function describeBody({ description, focus }: { description?: string; focus?: Focus }): { description?: string; focus?: string } {
  return { ...(description !== undefined ? { description } : {}), ...(focus ? { focus: focusParam(focus) } : {}) };
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}`, Accept: "application/json" });

function send(file: File, token: string, progress: (share: number) => void): Promise<MediaAttachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v2/media");
    for (const [k, v] of Object.entries(auth(token))) xhr.setRequestHeader(k, v);
    // The last tenth is the server's processing, reported when it is done.
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) progress((e.loaded / e.total) * sentShare);
    };
    xhr.onerror = () => reject(new UploadError(`${file.name}: network error`));
    xhr.onload = () => {
      progress(sentShare);
      let body: (MediaAttachment & { error?: string }) | null = null;
      try {
        body = JSON.parse(xhr.responseText) as MediaAttachment & { error?: string };
      } catch {
        // not JSON: reported by status below
      }
      if ((xhr.status === 200 || xhr.status === 202) && body) resolve(body);
      else reject(new UploadError(body?.error ?? `${file.name}: ${xhr.status}`));
    };
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}
