// A small seeded random number generator (mulberry32) so that every part of the experiment
// (world, corruption, annotator noise, splits) replays exactly from its seed.

/** A seeded source of random numbers; all helpers draw from `next`. */
export interface Rng {
  /** a float in [0, 1) */
  next(): number;
  /** an integer in [0, n) */
  int(n: number): number;
  /** true with probability p */
  chance(p: number): boolean;
  /** one element of a non-empty array */
  pick<T>(items: readonly T[]): T;
  /** a shuffled copy of `items` */
  shuffle<T>(items: readonly T[]): T[];
  /** a fresh generator derived from this one and `label`, independent of later draws here */
  fork(label: string): Rng;
}

/** Creates a mulberry32 generator from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int(n) {
      if (!(n > 0)) throw new RangeError(`rng.int: n must be positive, got ${n}`);
      return Math.floor(next() * n);
    },
    chance: (p) => next() < p,
    pick(items) {
      if (items.length === 0) throw new RangeError("rng.pick: the array is empty");
      return items[Math.floor(next() * items.length)];
    },
    shuffle(items) {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    fork: (label) => createRng(hashSeed(state, label)),
  };
  return rng;
}

/** Mixes a seed with a label into a new 32-bit seed (FNV-1a over the label, then a finaliser). */
export function hashSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}
