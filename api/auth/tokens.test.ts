import jwt from "@fastify/jwt";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { authenticateBearer } from "./authenticate.ts";
import { bearerOf, claimsFor, isAdminToken, jwtPluginOptions, signToken, ttlSeconds } from "./tokens.ts";

const SECRET = "s".repeat(40);
const ADMIN = "a".repeat(40);

async function verifier(secret = SECRET) {
  const app = Fastify();
  await app.register(jwt, jwtPluginOptions(secret));
  await app.ready();
  return { adminToken: ADMIN, verify: (t: string) => app.jwt.verify(t), close: () => app.close() };
}

describe("tokens", () => {
  it("signs claims that authenticate back to the same principal, with an expiry", async () => {
    const token = await signToken(SECRET, claimsFor({ role: "seller", seller: "123", store: "7" }), "2h");
    const v = await verifier();
    const a = authenticateBearer(token, v);
    expect(a.principal).toEqual({
      sub: "seller:123",
      role: "seller",
      sellerId: "123",
      storeId: "7",
      operations: false,
    });
    expect(a.expiresAt! - Date.now()).toBeGreaterThan(7_100_000);
    expect(a.expiresAt! - Date.now()).toBeLessThanOrEqual(7_200_000);
    await v.close();
  });

  it("refuses another secret, another algorithm, garbage and nothing", async () => {
    const v = await verifier();
    const other = await signToken("o".repeat(40), { sub: "admin", role: "admin" }, "1h");
    expect(() => authenticateBearer(other, v)).toThrow(/Token inválido/);
    expect(() => authenticateBearer("abc.def.ghi", v)).toThrow(/Token inválido/);
    expect(() => authenticateBearer(undefined, v)).toThrow(/ausente/);
    // alg "none" with admin claims
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(
      JSON.stringify({ sub: "x", role: "admin", exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString("base64url")}.`;
    expect(() => authenticateBearer(none, v)).toThrow(/Token/);
    await v.close();
  });

  it("the admin token is the operations admin (constant-time compare)", async () => {
    const v = await verifier();
    expect(authenticateBearer(ADMIN, v).principal).toMatchObject({ role: "admin", operations: true });
    expect(isAdminToken(ADMIN, ADMIN)).toBe(true);
    expect(isAdminToken(`${ADMIN}x`, ADMIN)).toBe(false);
    expect(isAdminToken("", ADMIN)).toBe(false);
    await v.close();
  });

  it("parses bearer headers and time spans; claims need their ids", () => {
    expect(bearerOf("Bearer abc")).toBe("abc");
    expect(bearerOf("bearer abc ")).toBe("abc");
    expect(bearerOf("Basic abc")).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
    expect(ttlSeconds("90s")).toBe(90);
    expect(ttlSeconds("12h")).toBe(43_200);
    expect(ttlSeconds("30d")).toBe(2_592_000);
    expect(() => ttlSeconds("12")).toThrow();
    expect(() => ttlSeconds("0h")).toThrow();
    expect(() => claimsFor({ role: "seller" })).toThrow(/seller id/);
    expect(() => claimsFor({ role: "manager" })).toThrow(/store id/);
    expect(claimsFor({ role: "manager", store: "7" })).toEqual({
      sub: "manager:7",
      role: "manager",
      storeId: "7",
    });
    expect(claimsFor({ role: "admin", sub: "ana" })).toEqual({ sub: "ana", role: "admin" });
  });
});
