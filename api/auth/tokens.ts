/**
 * Signing and verifying API tokens (JWT HS256 with `JWT_SECRET`, through `@fastify/jwt` and its
 * fast-jwt core), plus the constant-time check of the operations admin token. The token CLI, the
 * server and `npm start`'s demo tokens all sign here, so claims and algorithm never drift.
 *
 * @example
 *   const token = await signToken(config.api.jwtSecret, { sub: "seller:123", role: "seller", sellerId: "123" }, "12h");
 */
import { timingSafeEqual } from "node:crypto";
import jwt, { type FastifyJWTOptions } from "@fastify/jwt";
import Fastify from "fastify";
import { claimsSchema, type Role, type TokenClaims } from "./principal.ts";

/** The one algorithm accepted (no `none`, no algorithm confusion). */
export const TOKEN_ALGORITHM = "HS256" as const;

/** Options of `@fastify/jwt` for the API (sign and verify the same way). */
export const jwtPluginOptions = (secret: string): FastifyJWTOptions => ({
  secret,
  sign: { algorithm: TOKEN_ALGORITHM },
  // A verified token is remembered (bounded, never past its expiry): a dashboard polling with
  // the same token costs one HMAC per token, not per request.
  verify: { algorithms: [TOKEN_ALGORITHM], requiredClaims: ["exp", "sub"], cache: 10_000 },
});

const TTL = /^(\d+)\s*(s|m|h|d)$/;

/**
 * Seconds of a time span such as "90s", "15m", "12h", "30d".
 *
 * @throws Error on anything else (or zero)
 */
export function ttlSeconds(ttl: string): number {
  const m = TTL.exec(ttl.trim());
  if (!m) throw new Error(`not a time span like 15m, 12h or 30d: ${JSON.stringify(ttl)}`);
  const n = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
  if (n <= 0) throw new Error("the time span must be positive");
  return n;
}

/**
 * Signs a token.
 *
 * @param secret `JWT_SECRET`
 * @param claims validated against the claims schema (a seller needs sellerId, a manager storeId)
 * @param ttl time span, e.g. "12h"
 */
export async function signToken(secret: string, claims: TokenClaims, ttl: string): Promise<string> {
  const valid = claimsSchema.parse(claims);
  const app = Fastify({ logger: false });
  await app.register(jwt, jwtPluginOptions(secret));
  await app.ready();
  try {
    return app.jwt.sign({ ...valid }, { expiresIn: ttlSeconds(ttl) });
  } finally {
    await app.close();
  }
}

/** Constant-time comparison of a presented bearer with the admin token. */
export function isAdminToken(presented: string, adminToken: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/**
 * The claims of a token for a role: a seller needs `seller`, a manager `store`; the subject
 * defaults to `role:id` (what the audit log records).
 *
 * @throws Error when a required id is missing
 */
export function claimsFor(o: { role: Role; seller?: string; store?: string; sub?: string }): TokenClaims {
  if (o.role === "seller" && !o.seller) throw new Error("a seller token needs a seller id (--seller ID)");
  if (o.role === "manager" && !o.store) throw new Error("a manager token needs a store id (--store ID)");
  return {
    sub:
      o.sub ??
      (o.role === "seller" ? `seller:${o.seller}` : o.role === "manager" ? `manager:${o.store}` : "admin"),
    role: o.role,
    ...(o.seller ? { sellerId: o.seller } : {}),
    ...(o.store ? { storeId: o.store } : {}),
  };
}
