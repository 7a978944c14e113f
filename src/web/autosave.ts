// Autosave of one item's annotation: every change is written at once to localStorage as a
// draft, then sent to the server after a short pause. A failed save keeps the draft and
// retries with growing pauses (and at once when the browser comes back online); a draft left
// over from a reload or a lost connection is sent again when the page opens.
import { useCallback, useEffect, useRef, useState } from "react";
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

/** Sends every leftover draft of `username` except `skipItem`; returns how many are still unsaved. */
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

/** Keeps `initial` (the server's annotation, or a leftover draft) saved as it changes. */
export function useAutosave(username: string, itemId: string, initial: Draft): Autosave {
  const leftover = useRef(readDraft(username, itemId));
  const [draft, setDraft] = useState<Draft>(leftover.current ?? initial);
  const [status, setStatus] = useState<SaveStatus>(
    leftover.current ? { kind: "pending" } : { kind: "saved" },
  );
  const current = useRef(draft);
  const rev = useRef(leftover.current ? 1 : 0);
  const savedRev = useRef(0);
  const inflight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const attempt = useRef(0);
  const alive = useRef(true);

  const report = useCallback((s: SaveStatus) => {
    if (alive.current) setStatus(s);
  }, []);

  const save = useCallback(async (): Promise<boolean> => {
    clearTimeout(timer.current);
    if (inflight.current) await inflight.current;
    if (savedRev.current >= rev.current) return true;
    const sending = rev.current;
    const body = current.current;
    report({ kind: "saving" });

    const run = (async function sendDraft(): Promise<boolean> {
      try {
        await saveAnnotation(itemId, body.spans, body.submitted);
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) {
          // a stale CSRF token (e.g. after logging in elsewhere): fetch it once and retry
          await loadSession().catch(() => null);
          try {
            await saveAnnotation(itemId, body.spans, body.submitted);
          } catch (again) {
            return failed(again);
          }
        } else return failed(err);
      }
      savedRev.current = Math.max(savedRev.current, sending);
      attempt.current = 0;
      if (savedRev.current >= rev.current) {
        removeDraft(username, itemId);
        report({ kind: "saved" });
      } else schedule(DEBOUNCE_MS);
      return true;
    })();
    inflight.current = run;
    const ok = await run;
    inflight.current = null;
    return ok && savedRev.current >= rev.current;
  }, [itemId, username, report]);

  function failed(err: unknown): false {
    const e = err instanceof ApiError ? err : new ApiError(0, String(err));
    if (e.status === 422 || e.status === 404) {
      const detail = e.problems[0]?.message ?? e.message;
      report({ kind: "error", message: detail });
      return false;
    }
    const message = e.status === 401 ? "logged out: sign in again in another tab" : e.message;
    attempt.current++;
    const wait = Math.min(30, 2 ** Math.min(attempt.current, 5));
    report({ kind: "retrying", message, inSeconds: wait });
    schedule(wait * 1000);
    return false;
  }

  function schedule(ms: number): void {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), ms);
  }

  const update = useCallback(
    (next: Draft) => {
      current.current = next;
      rev.current++;
      writeDraft(username, itemId, next);
      setDraft(next);
      report({ kind: "pending" });
      attempt.current = 0;
      schedule(DEBOUNCE_MS);
    },
    // schedule only reads refs
    // eslint-disable-next-line
    [username, itemId, report],
  );

  useEffect(() => {
    alive.current = true;
    if (leftover.current) schedule(0);
    const online = () => {
      if (savedRev.current < rev.current) void save();
    };
    window.addEventListener("online", online);
    return () => {
      alive.current = false;
      window.removeEventListener("online", online);
      clearTimeout(timer.current);
      // leaving the item: send what is left now; the draft stays until it is stored
      if (savedRev.current < rev.current) void save();
    };
    // runs once per item
    // eslint-disable-next-line
  }, []);

  return { draft, status, update, flush: save };
}
