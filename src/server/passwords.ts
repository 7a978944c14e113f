// Password hashing with scrypt (RFC 7914) from node:crypto. A hash is stored as
// `scrypt$N$r$p$salt$key` with base64url salt and key, so the cost can grow later.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** Cost parameters of scrypt. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The default cost: about 50 ms and 16 MiB per hash on a laptop. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };

const KEY_LENGTH = 32;

/** Smallest password length accepted for new accounts. */
export const MIN_PASSWORD_LENGTH = 8;

function deriveKey(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFC"),
      salt,
      KEY_LENGTH,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      function scryptDone(err, key) {
        if (err) reject(err);
        else resolve(key);
      },
    );
  });
}

/** Hashes `password` with a fresh random salt. */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await deriveKey(password, salt, params);
  return [
    "scrypt",
    params.N,
    params.r,
    params.p,
    salt.toString("base64url"),
    key.toString("base64url"),
  ].join("$");
}

/** Whether `password` matches `stored`; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0)) return false;
  const salt = Buffer.from(parts[4], "base64url");
  const expected = Buffer.from(parts[5], "base64url");
  const key = await deriveKey(password, salt, { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Problem with a new password, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (password.length > 1024) return "password must have at most 1024 characters";
  return null;
}
