/**
 * Turns a presented bearer token into a principal, the same way for REST and the socket: the
 * operations admin token (constant-time compare) or a signed JWT whose signature, algorithm,
 * expiry and claims all check out. Anything else is `VT_ERR_API_UNAUTHENTICATED`.
 *
 * @example
 *   const { principal } = authenticateBearer(token, { adminToken, verify: (t) => app.jwt.verify(t) });
 */
import { unauthenticated } from "../http/api-errors.ts";
import { OPERATIONS_ADMIN, principalFromClaims, type Principal } from "./principal.ts";
import { isAdminToken } from "./tokens.ts";

export interface Authenticator {
  readonly adminToken: string;
  /** Verifies a JWT and returns its payload; throws when invalid or expired. */
  readonly verify: (token: string) => unknown;
}

export interface Authenticated {
  readonly principal: Principal;
  /** Expiry (epoch ms) of a signed token; undefined for the admin token. */
  readonly expiresAt: number | undefined;
}

/**
 * @param token the bearer (without "Bearer "); undefined when absent
 * @throws VitrineError `VT_ERR_API_UNAUTHENTICATED`
 */
export function authenticateBearer(token: string | undefined, auth: Authenticator): Authenticated {
  if (!token) throw unauthenticated("Token de acesso ausente: envie Authorization: Bearer <token>.");
  if (isAdminToken(token, auth.adminToken)) return { principal: OPERATIONS_ADMIN, expiresAt: undefined };
  let payload: unknown;
  try {
    payload = auth.verify(token);
  } catch (err) {
    const expired = /expired/i.test((err as Error).message);
    throw unauthenticated(expired ? "Token expirado: peça um novo." : "Token inválido.");
  }
  const principal = principalFromClaims(payload);
  if (!principal) throw unauthenticated("Token inválido: papel ou identificação ausentes.");
  const exp = (payload as { exp?: unknown }).exp;
  return { principal, expiresAt: typeof exp === "number" ? exp * 1000 : undefined };
}
