// The safetensors file format: an 8-byte little-endian header length, a JSON header mapping
// tensor names to dtype/shape/byte offsets, then the raw little-endian data
// (https://github.com/huggingface/safetensors). Float32, float16 and bfloat16 are read.
import { readFile, writeFile } from "node:fs/promises";

/** One tensor on the host, widened to float32. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Parses a safetensors buffer; `file` names it in errors. */
export function parseSafetensors(
  buf: Uint8Array,
  file = "model.safetensors",
): Map<string, HostTensor> {
  if (buf.byteLength < 8) throw new Error(`${file}: too short to be a safetensors file`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (8 + headerLen > buf.byteLength) {
    throw new Error(`${file}: header length ${headerLen} runs past the end of the file`);
  }
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLen))) as Record<
    string,
    HeaderEntry
  >;
  const base = 8 + headerLen;
  const out = new Map<string, HostTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [start, end] = entry.data_offsets;
    const n = entry.shape.reduce((a, b) => a * b, 1);
    const bytes = buf.subarray(base + start, base + end);
    out.set(name, { shape: entry.shape, data: decode(bytes, entry.dtype, n, `${file}: ${name}`) });
  }
  return out;
}

function decode(bytes: Uint8Array, dtype: string, n: number, where: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = { F32: 4, F16: 2, BF16: 2, F64: 8 }[dtype];
  if (!size) throw new Error(`${where}: dtype ${dtype} is not supported; save as float32`);
  if (bytes.byteLength !== n * size) {
    throw new Error(`${where}: ${bytes.byteLength} bytes for ${n} values of ${dtype}`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (dtype === "F32") out[i] = view.getFloat32(4 * i, true);
    else if (dtype === "F64") out[i] = view.getFloat64(8 * i, true);
    else if (dtype === "BF16") {
      const u = new Uint32Array([view.getUint16(2 * i, true) << 16]);
      out[i] = new Float32Array(u.buffer)[0];
    } else out[i] = halfToFloat(view.getUint16(2 * i, true));
  }
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Serialises float32 tensors (sorted by name) with optional string metadata. */
export function serializeSafetensors(
  tensors: Map<string, HostTensor> | Record<string, HostTensor>,
  metadata: Record<string, string> = { format: "pt" },
): Uint8Array {
  const entries = [...(tensors instanceof Map ? tensors : Object.entries(tensors))].sort((a, b) =>
    a[0] < b[0] ? -1 : 1,
  );
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of entries) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // pad the header with spaces so the data starts 8-byte aligned
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += " ";
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const [, t] of entries) {
    const le = new Uint8Array(Float32Array.from(t.data).buffer);
    out.set(le, at);
    at += le.byteLength;
  }
  return out;
}

/** Reads a safetensors file into host tensors. */
export async function readSafetensors(file: string): Promise<Map<string, HostTensor>> {
  return parseSafetensors(new Uint8Array(await readFile(file)), file);
}

/** Writes host tensors to a safetensors file. */
export async function writeSafetensors(
  file: string,
  tensors: Map<string, HostTensor> | Record<string, HostTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFile(file, serializeSafetensors(tensors, metadata));
}
