// Reference log-prob cache keys: the model fingerprint names the cache file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { np, setEngineDevice } from "../engine/index.js";
import { modelConfigFromSpec } from "../model/config.js";
import { initHostParams, uploadParams } from "../model/params.js";
import { modelFingerprint } from "./reference.js";

beforeAll(() => setEngineDevice("cpu"));
afterAll(() => setEngineDevice("wasm"));

const config = modelConfigFromSpec({
  arch: "llama",
  vocabSize: 20,
  hidden: 16,
  layers: 1,
  heads: 2,
});
const host = initHostParams(config, 3, 0.2);

describe("modelFingerprint", () => {
  it("changes with a weight and with the dtype the reference log-probs are computed in", async () => {
    const f32 = await modelFingerprint({ config, params: uploadParams(host, np.float32) });
    const again = await modelFingerprint({ config, params: uploadParams(host, np.float32) });
    const f64 = await modelFingerprint({ config, params: uploadParams(host, np.float64) });
    const name = Object.keys(host)[0];
    const data = Float32Array.from(host[name].data);
    data[0] += 0.5;
    const moved = { ...host, [name]: { ...host[name], data } };
    const other = await modelFingerprint({ config, params: uploadParams(moved, np.float32) });
    expect(again).toBe(f32);
    expect(other).not.toBe(f32);
    expect(f64).not.toBe(f32);
  });
});
