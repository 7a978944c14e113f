// Quality figures of a project: progress per annotator, and agreement between annotators on
// the items both marked done. Span overlap F1 is computed over code points, micro-averaged:
//   F1 = 2·Σ|A∩B| / (Σ|A| + Σ|B|)
// where A and B are the code points each annotator covered with any span. Label agreement is
// the share of code points covered by both whose labels (liked, disliked, or both) are equal.
import type { Span } from "../feedback/schema.js";

/** How far one annotator has got. */
export interface AnnotatorProgress {
  annotator: string;
  /** items in the project */
  items: number;
  /** items with an annotation, done or not */
  started: number;
  /** items marked done */
  done: number;
  liked: number;
  disliked: number;
  last_active: string | null;
}

/** Agreement of two annotators on the items both marked done. */
export interface PairAgreement {
  a: string;
  b: string;
  shared_items: number;
  /** null when neither marked anything on the shared items */
  span_f1: number | null;
  /** null when no code point was marked by both */
  label_agreement: number | null;
}

/** One annotator's agreement with everyone else, weighted by shared items. */
export interface AnnotatorAgreement {
  annotator: string;
  shared_items: number;
  span_f1: number | null;
  label_agreement: number | null;
}

/** Everything the quality view shows. */
export interface QualityReport {
  progress: AnnotatorProgress[];
  pairs: PairAgreement[];
  annotators: AnnotatorAgreement[];
}

/** What computeQuality reads: the item count, who is assigned, and every annotation. */
export interface QualityInput {
  items: number;
  annotators: string[];
  annotations: {
    item_id: string;
    annotator: string;
    spans: Span[];
    submitted: boolean;
    updated_at: string | null;
  }[];
}

/** Computes progress and agreement for a project. */
export function computeQuality(input: QualityInput): QualityReport {
  // progress, for everyone assigned and everyone who annotated
  const names = new Set(input.annotators);
  for (const a of input.annotations) if (a.annotator !== "") names.add(a.annotator);
  const progress = new Map<string, AnnotatorProgress>();
  for (const name of [...names].sort()) {
    progress.set(name, {
      annotator: name,
      items: input.items,
      started: 0,
      done: 0,
      liked: 0,
      disliked: 0,
      last_active: null,
    });
  }
  const doneByItem = new Map<string, Map<string, Span[]>>();
  for (const a of input.annotations) {
    const p = progress.get(a.annotator);
    if (!p) continue;
    p.started++;
    for (const s of a.spans) p[s.label]++;
    if (a.updated_at && (!p.last_active || a.updated_at > p.last_active)) {
      p.last_active = a.updated_at;
    }
    if (!a.submitted) continue;
    p.done++;
    const byAnnotator = doneByItem.get(a.item_id) ?? new Map<string, Span[]>();
    doneByItem.set(a.item_id, byAnnotator);
    byAnnotator.set(a.annotator, a.spans);
  }

  // pairwise agreement over shared done items
  const sums = new Map<string, PairSums>();
  for (const byAnnotator of doneByItem.values()) {
    const who = [...byAnnotator.keys()].sort();
    for (let i = 0; i < who.length; i++) {
      for (let j = i + 1; j < who.length; j++) {
        const key = `${who[i]}\u0000${who[j]}`;
        const s = sums.get(key) ?? emptySums();
        sums.set(key, s);
        addItem(s, byAnnotator.get(who[i])!, byAnnotator.get(who[j])!);
      }
    }
  }
  const pairs: PairAgreement[] = [];
  const perAnnotator = new Map<string, PairSums>();
  for (const [key, s] of sums) {
    const [a, b] = key.split("\u0000");
    pairs.push({ a, b, ...figures(s) });
    for (const name of [a, b]) {
      const total = perAnnotator.get(name) ?? emptySums();
      perAnnotator.set(name, mergeSums(total, s));
    }
  }
  const annotators = [...perAnnotator.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([annotator, s]) => ({ annotator, ...figures(s) }));
  return { progress: [...progress.values()], pairs, annotators };
}

interface PairSums {
  items: number;
  a: number;
  b: number;
  both: number;
  sameLabel: number;
}

function emptySums(): PairSums {
  return { items: 0, a: 0, b: 0, both: 0, sameLabel: 0 };
}

function mergeSums(x: PairSums, y: PairSums): PairSums {
  return {
    items: x.items + y.items,
    a: x.a + y.a,
    b: x.b + y.b,
    both: x.both + y.both,
    sameLabel: x.sameLabel + y.sameLabel,
  };
}

function figures(s: PairSums): Omit<PairAgreement, "a" | "b"> {
  const covered = s.a + s.b;
  return {
    shared_items: s.items,
    span_f1: covered === 0 ? null : (2 * s.both) / covered,
    label_agreement: s.both === 0 ? null : s.sameLabel / s.both,
  };
}

const LIKED = 1;
const DISLIKED = 2;

/** Label mask per code point: bit 1 liked, bit 2 disliked. */
export function labelMask(spans: Span[], length: number): Uint8Array {
  const mask = new Uint8Array(length);
  for (const s of spans) {
    const bit = s.label === "liked" ? LIKED : DISLIKED;
    for (let i = s.start; i < Math.min(s.end, length); i++) mask[i] |= bit;
  }
  return mask;
}

function addItem(s: PairSums, a: Span[], b: Span[]): void {
  let length = 0;
  for (const span of a) length = Math.max(length, span.end);
  for (const span of b) length = Math.max(length, span.end);
  const ma = labelMask(a, length);
  const mb = labelMask(b, length);
  s.items++;
  for (let i = 0; i < length; i++) {
    if (ma[i]) s.a++;
    if (mb[i]) s.b++;
    if (ma[i] && mb[i]) {
      s.both++;
      if (ma[i] === mb[i]) s.sameLabel++;
    }
  }
}
