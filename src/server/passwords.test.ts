// scrypt password hashes: salted, verifiable, and refusing the wrong password or a bad hash.
import { describe, expect, it } from "vitest";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.js";

const cheap = { N: 1024, r: 8, p: 1 };

describe("hashPassword", () => {
  it("verifies the right password only, with a fresh salt each time", async () => {
    const a = await hashPassword("längeres Passwort 🔑", cheap);
    const b = await hashPassword("längeres Passwort 🔑", cheap);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword("längeres Passwort 🔑", a)).toBe(true);
    expect(await verifyPassword("längeres Passwort 🔐", a)).toBe(false);
  });

  it("treats a malformed hash as a mismatch", async () => {
    expect(await verifyPassword("x", "plain")).toBe(false);
    expect(await verifyPassword("x", "scrypt$0$8$1$AA$AA")).toBe(false);
  });
});

describe("passwordProblem", () => {
  it("asks for at least eight characters", () => {
    expect(passwordProblem("short")).toBe("password must have at least 8 characters");
    expect(passwordProblem("long enough")).toBeNull();
  });
});
