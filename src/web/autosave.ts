// Autosave of one item's annotation: every change is written at once to localStorage as a
// draft, then sent to the server after a short pause. A failed save keeps the draft and
// retries with growing pauses (and at once when the browser comes back online); a draft left
// over from a reload or a lost connection is sent again when the page opens.
import { useEffect, useState } from "react";
import type { Span } from "../feedback/schema.js";
import { ApiError, loadSession, saveAnnotation } from "./api.js";

/** What is saved for an item. */
export interface Draft {
  spans: Span[];
  submitted: boolean;
}

/** What the page shows about saving. */
export type SaveStatus =
  | { kind: "saved" }
  | { kind: "pending" }
  | { kind: "saving" }
  | { kind: "retrying"; message: string; inSeconds: number }
  | { kind: "error"; message: string };

const PREFIX = "redline:draft:";
const DEBOUNCE_MS = 400;

function draftKey(username: string, itemId: string): string {
  return `${PREFIX}${username}:${itemId}`;
}

/** The unsaved draft of an item on this device, if any. */
export function readDraft(username: string, itemId: string): Draft | null {
  try {
    const raw = localStorage.getItem(draftKey(username, itemId));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

function writeDraft(username: string, itemId: string, draft: Draft): void {
  try {
    localStorage.setItem(draftKey(username, itemId), JSON.stringify(draft));
  } catch {
    // storage full or blocked: the server save still runs
  }
}

function removeDraft(username: string, itemId: string): void {
  try {
    localStorage.removeItem(draftKey(username, itemId));
  } catch {
    // nothing to do
  }
}

/** Sends every leftover draft of `username` but `skipItem`; returns how many stay unsaved. */
export async function flushDrafts(username: string, skipItem?: string): Promise<number> {
  const prefix = `${PREFIX}${username}:`;
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  let left = 0;
  for (const key of keys) {
    const itemId = key.slice(prefix.length);
    if (itemId === skipItem) continue;
    const draft = readDraft(username, itemId);
    if (!draft) continue;
    try {
      await saveAnnotation(itemId, draft.spans, draft.submitted);
      if (localStorage.getItem(key) === JSON.stringify(draft)) removeDraft(username, itemId);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 422)) {
        removeDraft(username, itemId);
      } else left++;
    }
  }
  return left;
}

/** Autosave state of one item: the draft, how saving goes, and ways to change it. */
export interface Autosave {
  draft: Draft;
  status: SaveStatus;
  update(next: Draft): void;
  /** saves now; resolves true once everything up to now is stored */
  flush(): Promise<boolean>;
}

/** Saves one item's drafts in order, one request at a time, retrying until stored. */
class DraftSaver {
  draft: Draft;
  status: SaveStatus;
  private rev: number;
  private savedRev = 0;
  private inflight: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private listener: (() => void) | null = null;

  constructor(
    private readonly username: string,
    private readonly itemId: string,
    initial: Draft,
  ) {
    const leftover = readDraft(username, itemId);
    this.draft = leftover ?? initial;
    this.rev = leftover ? 1 : 0;
    this.status = leftover ? { kind: "pending" } : { kind: "saved" };
  }

  /** Starts reporting to `listener` and sends a leftover draft. */
  start(listener: () => void): void {
    this.listener = listener;
    window.addEventListener("online", this.onOnline);
    if (this.rev > this.savedRev) this.schedule(0);
  }

  /** Stops reporting; whatever is unsaved is sent now and stays in localStorage until stored. */
  stop(): void {
    this.listener = null;
    window.removeEventListener("online", this.onOnline);
    clearTimeout(this.timer);
    if (this.savedRev < this.rev) void this.flush();
  }

  update = (next: Draft): void => {
    this.draft = next;
    this.rev++;
    writeDraft(this.username, this.itemId, next);
    this.attempt = 0;
    this.report({ kind: "pending" });
    this.schedule(DEBOUNCE_MS);
  };

  flush = async (): Promise<boolean> => {
    clearTimeout(this.timer);
    if (this.inflight) await this.inflight;
    if (this.savedRev >= this.rev) return true;
    this.inflight = this.send(this.rev, this.draft);
    const ok = await this.inflight;
    this.inflight = null;
    return ok && this.savedRev >= this.rev;
  };

  private onOnline = (): void => {
    if (this.savedRev < this.rev) void this.flush();
  };

  private async send(sending: number, body: Draft): Promise<boolean> {
    this.report({ kind: "saving" });
    try {
      await saveAnnotation(this.itemId, body.spans, body.submitted);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 403)) return this.failed(err);
      // a stale CSRF token (e.g. after logging in elsewhere): fetch it once and retry
      await loadSession().catch(() => null);
      try {
        await saveAnnotation(this.itemId, body.spans, body.submitted);
      } catch (again) {
        return this.failed(again);
      }
    }
    this.savedRev = Math.max(this.savedRev, sending);
    this.attempt = 0;
    if (this.savedRev >= this.rev) {
      removeDraft(this.username, this.itemId);
      this.report({ kind: "saved" });
    } else this.schedule(DEBOUNCE_MS);
    return true;
  }

  private failed(err: unknown): false {
    const e = err instanceof ApiError ? err : new ApiError(0, String(err));
    if (e.status === 422 || e.status === 404) {
      this.report({ kind: "error", message: e.problems[0]?.message ?? e.message });
      return false;
    }
    const message = e.status === 401 ? "logged out: sign in again in another tab" : e.message;
    this.attempt++;
    const wait = Math.min(30, 2 ** Math.min(this.attempt, 5));
    this.report({ kind: "retrying", message, inSeconds: wait });
    this.schedule(wait * 1000);
    return false;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  private report(status: SaveStatus): void {
    this.status = status;
    this.listener?.();
  }
}

/** Keeps `initial` (the server's annotation, or a leftover draft) saved as it changes. */
export function useAutosave(username: string, itemId: string, initial: Draft): Autosave {
  const [saver] = useState(() => new DraftSaver(username, itemId, initial));
  const [, redraw] = useState(0);
  useEffect(() => {
    saver.start(() => redraw((n) => n + 1));
    return () => saver.stop();
  }, [saver]);
  return { draft: saver.draft, status: saver.status, update: saver.update, flush: saver.flush };
}
