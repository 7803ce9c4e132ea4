/**
 * Who a request or a socket acts for: the claims of an API token (JWT, HS256) or the operations
 * admin token. Claims are validated here once, so every route and the socket see the same shape.
 *
 * Claims: `{ sub, role: "seller" | "manager" | "admin", sellerId?, storeId?, exp }`. A seller
 * token names its `sellerId` (its store may be given, otherwise it comes from the employee table);
 * a manager token names its `storeId`.
 *
 * @example
 *   const p = principalFromClaims(app.jwt.verify(token)); // throws on a malformed payload
 */
import { z } from "zod";

export const ROLES = ["seller", "manager", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Ids of sellers, stores and products: the partner's codes (digits, letters, _ -). */
export const ID_PATTERN = "^[A-Za-z0-9_-]{1,64}$";
const id = z.string().regex(new RegExp(ID_PATTERN));

/** The claims Vitrine signs into a token (besides `iat` / `exp`). */
export const claimsSchema = z
  .object({
    sub: z.string().min(1).max(128),
    role: z.enum(ROLES),
    sellerId: id.optional(),
    storeId: id.optional(),
  })
  .refine((c) => c.role !== "seller" || c.sellerId !== undefined, {
    message: "a seller token needs sellerId",
  })
  .refine((c) => c.role !== "manager" || c.storeId !== undefined, {
    message: "a manager token needs storeId",
  });

export type TokenClaims = z.infer<typeof claimsSchema>;

export interface Principal {
  readonly sub: string;
  readonly role: Role;
  readonly sellerId: string | undefined;
  readonly storeId: string | undefined;
  /** True for the `API_ADMIN_TOKEN` bearer (operations), not a signed token. */
  readonly operations: boolean;
}

/** The principal of a verified payload, or undefined when its claims are malformed. */
export function principalFromClaims(payload: unknown): Principal | undefined {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  return { sub: c.sub, role: c.role, sellerId: c.sellerId, storeId: c.storeId, operations: false };
}

/** The operations admin (`API_ADMIN_TOKEN`). */
export const OPERATIONS_ADMIN: Principal = Object.freeze({
  sub: "operations",
  role: "admin",
  sellerId: undefined,
  storeId: undefined,
  operations: true,
});
