import { describe, expect, it } from "vitest";
import { focusOfClick, focusParam, focusPosition } from "./focus";
import { describeBody } from "./upload";

describe("focal point", () => {
  it("maps a click on the preview to Mastodon's -1..1 coordinates, y up", () => {
    expect(focusOfClick(50, 50, 100, 100)).toEqual({ x: 0, y: 0 });
    expect(focusOfClick(0, 0, 100, 100)).toEqual({ x: -1, y: 1 });
    expect(focusOfClick(100, 100, 100, 100)).toEqual({ x: 1, y: -1 });
    expect(focusOfClick(72, 24, 96, 96)).toEqual({ x: 0.5, y: 0.5 });
    expect(focusOfClick(30, 150, 200, 200)).toEqual({ x: -0.7, y: -0.5 });
  });

  it("rounds to two decimals, stays inside the image and never sends -0", () => {
    expect(focusOfClick(1, 2, 3, 3)).toEqual({ x: -0.33, y: -0.33 });
    expect(focusOfClick(-10, 500, 100, 100)).toEqual({ x: -1, y: -1 });
    expect(Object.is(focusOfClick(50, 50, 100, 100).x, -0)).toBe(false);
    expect(focusOfClick(5, 5, 0, 0)).toEqual({ x: 0, y: 0 });
  });

  it("shows where it was picked and is sent as x,y", () => {
    expect(focusPosition({ x: 0.5, y: 0.5 })).toEqual({ left: 75, top: 25 });
    expect(focusPosition({ x: -1, y: -1 })).toEqual({ left: 0, top: 100 });
    expect(focusParam({ x: -0.25, y: 0.5 })).toBe("-0.25,0.5");
  });

  it("is sent with the description to PUT /api/v1/media/:id, each only when set", () => {
    expect(describeBody({ description: "a dot", focus: { x: 0.5, y: -0.5 } })).toEqual({ description: "a dot", focus: "0.5,-0.5" });
    expect(describeBody({ focus: { x: 0, y: 1 } })).toEqual({ focus: "0,1" });
    expect(describeBody({ description: "a dot" })).toEqual({ description: "a dot" });
  });
});
