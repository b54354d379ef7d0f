// An image's focal point, as Mastodon keeps it: x and y from -1 to 1, the centre at
// 0,0, x to the right and y up (so the top left corner is -1,1). The compose box
// takes it from a click on the image's preview and sends it as "x,y".

export interface Focus {
  x: number;
  y: number;
}

const clamp = (v: number) => Math.min(1, Math.max(-1, v));
// Two decimals, as Mastodon's web app sends them; never "-0".
const round = (v: number) => Math.round(v * 100) / 100 + 0;

/** The focus of a click at (left, top) pixels inside an image shown width × height pixels. */
export function focusOfClick(left: number, top: number, width: number, height: number): Focus {
  if (width <= 0 || height <= 0) return { x: 0, y: 0 };
  return { x: round(clamp((left / width) * 2 - 1)), y: round(clamp(1 - (top / height) * 2)) };
}

/** Where a focus shows on its image, in percent from the left and from the top. */
export function focusPosition(f: Focus): { left: number; top: number } {
  return { left: ((f.x + 1) / 2) * 100, top: ((1 - f.y) / 2) * 100 };
}

/** The focus as the API takes it: "x,y". */
export const focusParam = (f: Focus) => `${f.x},${f.y}`;
