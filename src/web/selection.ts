// Maps the browser's text selection inside the response element to code-point offsets.
// The element holds only the response's text nodes, so the text before a boundary point is
// exactly the response's prefix; its code-point length is the offset.
import { codePointLength } from "../feedback/codepoints.js";

/** A selection as code-point offsets into the response, end-exclusive. */
export interface CodePointRange {
  start: number;
  end: number;
}

function offsetAt(root: Element, node: Node, offset: number): number {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  return codePointLength(range.toString());
}

/**
 * The current selection within `root`, clipped to it, with surrounding whitespace trimmed;
 * null when nothing inside `root` is selected.
 */
export function selectionInside(root: Element, text: string): CodePointRange | null {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const all = document.createRange();
  all.selectNodeContents(root);
  if (
    range.compareBoundaryPoints(Range.END_TO_START, all) >= 0 ||
    range.compareBoundaryPoints(Range.START_TO_END, all) <= 0
  ) {
    return null;
  }
  const cps = Array.from(text);
  const startsBefore = range.compareBoundaryPoints(Range.START_TO_START, all) < 0;
  const endsAfter = range.compareBoundaryPoints(Range.END_TO_END, all) > 0;
  let start = startsBefore ? 0 : offsetAt(root, range.startContainer, range.startOffset);
  let end = endsAfter ? cps.length : offsetAt(root, range.endContainer, range.endOffset);

  // trim the whitespace a drag or double-click picks up at the edges
  let s = start;
  let e = end;
  while (s < e && /\s/.test(cps[s])) s++;
  while (e > s && /\s/.test(cps[e - 1])) e--;
  if (e > s) {
    start = s;
    end = e;
  }
  return end > start ? { start, end } : null;
}

/** The caret's code-point offset inside `root` (collapsed selection), or null. */
export function caretInside(root: Element): number | null {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.startContainer)) return null;
  return offsetAt(root, range.startContainer, range.startOffset);
}

/** Moves or extends the selection by a character, word or line, for keyboard selection. */
export function moveSelection(
  root: HTMLElement,
  alter: "move" | "extend",
  direction: "forward" | "backward",
  granularity: "character" | "word" | "lineboundary" | "line",
): void {
  const selection = window.getSelection();
  if (!selection) return;
  if (selection.rangeCount === 0 || !root.contains(selection.anchorNode)) {
    const first = document.createRange();
    first.setStart(root, 0);
    first.collapse(true);
    selection.removeAllRanges();
    selection.addRange(first);
  }
  // Selection.modify is not in the DOM typings but every current browser has it
  (selection as Selection & { modify(a: string, d: string, g: string): void }).modify(
    alter,
    direction,
    granularity,
  );
}
