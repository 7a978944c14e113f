// Node 20 globals that @jax-js/jax expects from a browser: `navigator`, `Float16Array`, the
// iterator helpers, and a `Worker` over worker_threads so the wasm thread pool starts.
// Import this module (through src/engine/index.ts) before anything touches @jax-js/jax.

import { resolveObjectURL } from "node:buffer";
import { availableParallelism } from "node:os";
import { Worker as ThreadWorker } from "node:worker_threads";

type AnyIterator = Iterator<unknown> & Record<string, unknown>;
const g = globalThis as Record<string, unknown>;

/** Number of wasm worker threads; REDLINE_THREADS overrides the core count. */
export function engineThreads(): number {
  const env = Number(process.env.REDLINE_THREADS);
  return Number.isInteger(env) && env > 0 ? env : availableParallelism();
}

function installNavigator(): void {
  if (typeof g.navigator === "undefined") {
    g.navigator = { userAgent: `Node.js/${process.versions.node}`, hardwareConcurrency: 0 };
  }
  // jax-js sizes its pool from navigator.hardwareConcurrency
  const nav = g.navigator as { hardwareConcurrency?: number };
  try {
    Object.defineProperty(nav, "hardwareConcurrency", {
      value: engineThreads(),
      configurable: true,
    });
  } catch {
    // a read-only navigator keeps its own count
  }
}

function installFloat16Array(): void {
  if (typeof g.Float16Array !== "undefined") return;
  // float16 arrays are never created by this project; the class only has to exist
  g.Float16Array = class Float16ArrayUnavailable {
    constructor() {
      throw new Error(
        "Float16Array: float16 is not supported on this Node version; use float32 weights",
      );
    }
  };
}

function installIteratorHelpers(): void {
  const proto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as Record<
    string,
    unknown
  >;
  const define = (name: string, fn: (this: AnyIterator, ...args: never[]) => unknown) => {
    if (typeof proto[name] !== "function") {
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
    }
  };
  function* mapGen(it: AnyIterator, f: (v: unknown, i: number) => unknown) {
    let i = 0;
    for (let r = it.next(); !r.done; r = it.next()) yield f(r.value, i++);
  }
  function* filterGen(it: AnyIterator, f: (v: unknown, i: number) => unknown) {
    let i = 0;
    for (let r = it.next(); !r.done; r = it.next()) if (f(r.value, i++)) yield r.value;
  }
  function* flatMapGen(it: AnyIterator, f: (v: unknown, i: number) => Iterable<unknown>) {
    let i = 0;
    for (let r = it.next(); !r.done; r = it.next()) yield* f(r.value, i++);
  }
  function* takeGen(it: AnyIterator, n: number) {
    for (let k = 0; k < n; k++) {
      const r = it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  function* dropGen(it: AnyIterator, n: number) {
    for (let k = 0; k < n; k++) if (it.next().done) return;
    for (let r = it.next(); !r.done; r = it.next()) yield r.value;
  }
  define("map", function (this: AnyIterator, f: never) {
    return mapGen(this, f);
  });
  define("filter", function (this: AnyIterator, f: never) {
    return filterGen(this, f);
  });
  define("flatMap", function (this: AnyIterator, f: never) {
    return flatMapGen(this, f);
  });
  define("take", function (this: AnyIterator, n: never) {
    return takeGen(this, n);
  });
  define("drop", function (this: AnyIterator, n: never) {
    return dropGen(this, n);
  });
  define("toArray", function (this: AnyIterator) {
    const out: unknown[] = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    return out;
  });
  define("forEach", function (this: AnyIterator, f: never) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next())
      (f as (v: unknown, i: number) => void)(r.value, i++);
  });
  define("some", function (this: AnyIterator, f: never) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next())
      if ((f as (v: unknown, i: number) => unknown)(r.value, i++)) return true;
    return false;
  });
  define("every", function (this: AnyIterator, f: never) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next())
      if (!(f as (v: unknown, i: number) => unknown)(r.value, i++)) return false;
    return true;
  });
  define("find", function (this: AnyIterator, f: never) {
    let i = 0;
    for (let r = this.next(); !r.done; r = this.next())
      if ((f as (v: unknown, i: number) => unknown)(r.value, i++)) return r.value;
    return undefined;
  });
  define("reduce", function (this: AnyIterator, ...args: never[]) {
    const f = args[0] as unknown as (a: unknown, v: unknown, i: number) => unknown;
    let i = 0;
    let acc: unknown;
    if (args.length > 1) acc = args[1];
    else {
      const first = this.next();
      if (first.done) throw new TypeError("reduce of empty iterator with no initial value");
      acc = first.value;
      i = 1;
    }
    for (let r = this.next(); !r.done; r = this.next()) acc = f(acc, r.value, i++);
    return acc;
  });
}

// runs inside each thread: browser-style `self`/`postMessage`, then the pool's script
const THREAD_BOOTSTRAP = `
const { parentPort } = require("node:worker_threads");
globalThis.self = globalThis;
globalThis.postMessage = (data) => parentPort.postMessage(data);
let loaded = false;
parentPort.on("message", (data) => {
  if (!loaded) {
    loaded = true;
    (0, eval)(data.source);
    return;
  }
  if (typeof self.onmessage === "function") self.onmessage({ data });
});
`;

type MessageHandler = ((event: { data: unknown }) => void) | null;
type ErrorHandler = ((event: { message: string }) => void) | null;

/**
 * A browser-style `Worker` over `worker_threads` for the jax-js wasm pool: the script comes
 * from a blob URL, messages are queued until it is loaded, and an idle thread does not keep
 * the process alive.
 */
export class ThreadPoolWorker {
  onmessage: MessageHandler = null;
  onerror: ErrorHandler = null;
  #thread: ThreadWorker;
  #queue: unknown[] | null = [];
  #pending = 0;

  constructor(url: string | URL) {
    this.#thread = new ThreadWorker(THREAD_BOOTSTRAP, { eval: true });
    this.#thread.unref();
    this.#thread.on("message", (data) => {
      this.#pending = Math.max(0, this.#pending - 1);
      if (this.#pending === 0) this.#thread.unref();
      this.onmessage?.({ data });
    });
    this.#thread.on("error", (err: Error) => this.onerror?.({ message: err.message }));
    const blob = resolveObjectURL(String(url));
    if (!blob) throw new Error(`Worker: cannot resolve script URL ${String(url)}`);
    void blob.text().then((source) => {
      this.#thread.postMessage({ source });
      const queued = this.#queue ?? [];
      this.#queue = null;
      for (const message of queued) this.#thread.postMessage(message);
    });
  }

  /** Sends `data` to the thread; the thread stays referenced until it answers. */
  postMessage(data: unknown): void {
    this.#pending++;
    this.#thread.ref();
    if (this.#queue) this.#queue.push(data);
    else this.#thread.postMessage(data);
  }

  /** Stops the thread. */
  terminate(): void {
    void this.#thread.terminate();
  }
}

function installWorker(): void {
  if (typeof g.Worker !== "undefined") return;
  if (process.env.REDLINE_THREADS === "0") return;
  g.Worker = ThreadPoolWorker;
}

installNavigator();
installFloat16Array();
installIteratorHelpers();
installWorker();
