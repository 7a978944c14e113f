// Code-point string helpers. JavaScript strings index UTF-16 units; the feedback format counts
// code points (as Python does), so every offset crosses this module on its way in or out.

/** Number of code points in `s`. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * Table from code-point offset to UTF-16 offset, of length codePointLength(s) + 1.
 * Build it once per string when many offsets must be converted.
 */
export function codePointToUtf16Table(s: string): Uint32Array {
  const table = new Uint32Array(codePointLength(s) + 1);
  let cp = 0;
  for (let i = 0; i < s.length; i++) {
    table[cp++] = i;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  table[cp] = s.length;
  return table;
}

/** UTF-16 offset of code-point offset `cp` in `s` (cp may equal the length). */
export function utf16Offset(s: string, cp: number): number {
  let i = 0;
  for (let k = 0; k < cp; k++) {
    if (i >= s.length) throw new RangeError(`utf16Offset: code point ${cp} is past the end`);
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
  }
  return i;
}

/** Code-point offset of UTF-16 offset `u` in `s`. */
export function codePointOffset(s: string, u: number): number {
  return codePointLength(s.slice(0, u));
}

/** `s[start:end]` in code points, as Python slices. */
export function sliceCodePoints(s: string, start: number, end: number): string {
  const a = utf16Offset(s, start);
  const b = utf16Offset(s, end);
  return s.slice(a, b);
}

/** Replace code points [start, end) of `s` with `text`. */
export function spliceCodePoints(s: string, start: number, end: number, text: string): string {
  return s.slice(0, utf16Offset(s, start)) + text + s.slice(utf16Offset(s, end));
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Code-point offsets of one string mapped to UTF-16 offsets, with its code-point length. */
export interface CodePointIndex {
  readonly length: number;
  /** UTF-16 offset of code point `cp` (0 ≤ cp ≤ length) */
  utf16(cp: number): number;
}

const surrogate = /[\uD800-\uDFFF]/;

/**
 * An index for converting many offsets of `s`. Strings without surrogates (the common case)
 * need no table: their code-point and UTF-16 offsets are the same.
 */
export function codePointIndex(s: string): CodePointIndex {
  if (!surrogate.test(s)) return { length: s.length, utf16: (cp) => cp };
  const table = codePointToUtf16Table(s);
  return { length: table.length - 1, utf16: (cp) => table[cp] };
}

/** True when UTF-16 offset `u` falls between the two halves of a surrogate pair in `s`. */
export function splitsSurrogatePair(s: string, u: number): boolean {
  if (u <= 0 || u >= s.length) return false;
  const before = s.charCodeAt(u - 1);
  const after = s.charCodeAt(u);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}
