// A compact set of string fingerprints, for duplicate detection over files too large to keep in
// memory: each key costs 12 bytes (a 64-bit hash and a 32-bit value) instead of the key itself.
import { createHash } from "node:crypto";

const EMPTY = 0xffffffff;

/**
 * Maps 64-bit fingerprints of strings to a 32-bit value (a line number, say). Two different
 * keys collide with probability about n² / 2⁶⁵: one in 10⁸ for a million keys.
 */
export class FingerprintMap {
  private table: Uint32Array;
  private used = 0;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Uint32Array(size * 3).fill(EMPTY);
  }

  /** Number of distinct keys stored. */
  get size(): number {
    return this.used;
  }

  /** The value stored for `key`, or undefined. */
  get(key: string): number | undefined {
    const [hi, lo] = fingerprint(key);
    const slot = this.find(hi, lo);
    const t = this.table;
    return t[slot * 3] === EMPTY ? undefined : t[slot * 3 + 2];
  }

  /**
   * Stores `value` for `key` unless the key is already present; returns the earlier value
   * when it was (a duplicate), otherwise undefined.
   */
  addIfAbsent(key: string, value: number): number | undefined {
    const [hi, lo] = fingerprint(key);
    let slot = this.find(hi, lo);
    let t = this.table;
    if (t[slot * 3] !== EMPTY) return t[slot * 3 + 2];
    if ((this.used + 1) * 2 > t.length / 3) {
      this.grow();
      slot = this.find(hi, lo);
      t = this.table;
    }
    t[slot * 3] = hi;
    t[slot * 3 + 1] = lo;
    t[slot * 3 + 2] = value;
    this.used++;
    return undefined;
  }

  // linear probing; a slot is empty while its hash word holds EMPTY, which no fingerprint uses
  private find(hi: number, lo: number): number {
    const t = this.table;
    const mask = t.length / 3 - 1;
    let slot = lo & mask;
    for (;;) {
      const h = t[slot * 3];
      if (h === EMPTY) return slot;
      if (h === hi && t[slot * 3 + 1] === lo) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2).fill(EMPTY);
    for (let i = 0; i < old.length; i += 3) {
      if (old[i] === EMPTY) continue;
      const slot = this.find(old[i], old[i + 1]);
      this.table.set(old.subarray(i, i + 3), slot * 3);
    }
  }
}

/** A 64-bit fingerprint of `key` as two unsigned 32-bit words (from SHA-1). */
export function fingerprint(key: string): [number, number] {
  const digest = createHash("sha1").update(key).digest();
  let hi = digest.readUInt32LE(0);
  // keep the all-ones word free as the empty marker
  if (hi === EMPTY) hi = EMPTY - 1;
  return [hi, digest.readUInt32LE(4)];
}
