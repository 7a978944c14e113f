// The numeric engine: @jax-js/jax on its wasm backend, with the Node 20 globals it needs.
// Every module that computes imports `np`, `jit` and friends from here, never from jax directly.
import "./bootstrap.js";
import { type Device, defaultDevice, init } from "@jax-js/jax";

export {
  blockUntilReady,
  grad,
  jit,
  lax,
  nn,
  numpy as np,
  random,
  tree,
  valueAndGrad,
  vjp,
} from "@jax-js/jax";
export { engineThreads } from "./bootstrap.js";

let ready: Promise<void> | null = null;

/** Starts the wasm backend once and makes it the default device; safe to call repeatedly. */
export function initEngine(): Promise<void> {
  ready ??= (async () => {
    const devices = await init("wasm");
    if (!devices.includes("wasm")) {
      throw new Error(`initEngine: the wasm backend did not start (got ${devices.join(", ")})`);
    }
    defaultDevice("wasm");
  })();
  return ready;
}

/**
 * Makes `device` the default for new arrays: "wasm" for speed, or "cpu", the interpreted
 * backend whose float64 transcendentals are exact (wasm computes exp/tanh at float32
 * accuracy even in float64), for gradient checks. Returns the previous default.
 */
export async function setEngineDevice(device: "wasm" | "cpu"): Promise<Device> {
  await initEngine();
  if (device === "cpu") await init("cpu");
  const previous = defaultDevice();
  defaultDevice(device);
  return previous;
}

// compiled functions live for the process: a second run with the same model shape reuses the
// traces instead of compiling again (they are never disposed)
const compiled = new Map<string, unknown>();

/** Returns the function built for (`kind`, `key`), building it on first use. */
export function compileOnce<T>(kind: string, key: unknown, build: () => T): T {
  const k = `${kind}:${JSON.stringify(key)}`;
  let f = compiled.get(k) as T | undefined;
  if (!f) {
    f = build();
    compiled.set(k, f);
  }
  return f;
}
