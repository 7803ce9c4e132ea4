/**
 * The principal of an HTTP request, authenticated once per request (the rate limiter keys by it
 * before the routes need it) and cached on the request object.
 *
 * @example
 *   const p = principalOf(req, auth); // throws VT_ERR_API_UNAUTHENTICATED
 */
import type { FastifyRequest } from "fastify";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";
import { authenticateBearer, type Authenticated, type Authenticator } from "../auth/authenticate.ts";
import type { Principal } from "../auth/principal.ts";
import { bearerOf } from "../auth/tokens.ts";

const results = new WeakMap<FastifyRequest, Authenticated | VitrineError>();

function resolve(req: FastifyRequest, auth: Authenticator): Authenticated | VitrineError {
  let r = results.get(req);
  if (r === undefined) {
    try {
      r = authenticateBearer(bearerOf(req.headers.authorization), auth);
    } catch (err) {
      if (!(err instanceof VitrineError)) throw err;
      r = err;
    }
    results.set(req, r);
  }
  return r;
}

/** The request's principal; throws `VT_ERR_API_UNAUTHENTICATED` when its token is missing or bad. */
export function principalOf(req: FastifyRequest, auth: Authenticator): Principal {
  const r = resolve(req, auth);
  if (r instanceof VitrineError) throw r;
  return r.principal;
}

/**
 * Rate-limit key: the authenticated subject (so one user's budget follows them across
 * addresses), else the client address (so bad tokens cannot buy a fresh budget each).
 */
export function rateLimitKey(req: FastifyRequest, auth: Authenticator): string {
  const r = resolve(req, auth);
  if (r instanceof VitrineError) return `ip:${req.ip}`;
  return `sub:${r.principal.role}:${r.principal.sub}`;
}
