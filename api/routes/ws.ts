/**
 * `GET /ws` — live sales over WebSocket (DESIGN §8).
 *
 * Protocol (JSON text frames):
 * - authenticate within 5 s: `{ "type": "auth", "token": "…" }` as the first message, or an
 *   `Authorization: Bearer …` header on the upgrade request (non-browser clients). Never a token
 *   in the URL: URLs land in logs. Answer `{ type: "ready", role, sellerId, storeId }`; a bad or
 *   missing token gets `{ type: "error", code: "VT_ERR_API_UNAUTHENTICATED" }` and close 4401.
 * - `{ "type": "subscribe" | "unsubscribe", "scope": "seller" | "store" | "network", "id"? }`,
 *   checked against the caller's rights (`api/auth/access.ts`): `{ type: "subscribed", scope, id }`
 *   or `{ type: "error", code: "VT_ERR_API_FORBIDDEN", … }`. Each subscription (to a person's
 *   data: a seller, a store's sellers, the network) is written to the audit log, refused ones as
 *   `ws.subscribe.denied`; the request id of the rows is the connection's id.
 * - pushes: `{ type: "sale", … }` per accepted sale line (see `live/sale-message.ts`);
 *   `{ type: "dropped", count }` when this client's queue overflowed.
 * - heartbeats: the server pings every `heartbeatMs`; a socket that missed a pong is closed.
 *   The socket closes (4401) when its token expires.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import { VT_ERR_API_BAD_REQUEST, VT_ERR_API_FORBIDDEN } from "../../lib/errors/codes.ts";
import type { VitrineError } from "../../lib/errors/vitrine-error.ts";
import { unauthenticated } from "../http/api-errors.ts";
import type { AuditSink } from "../audit/audit-log.ts";
import type { Access } from "../auth/access.ts";
import { authenticateBearer, type Authenticator } from "../auth/authenticate.ts";
import { ID_PATTERN, type Principal } from "../auth/principal.ts";
import { bearerOf } from "../auth/tokens.ts";
import { LiveConnection, type ConnectionLimits } from "../live/live-connection.ts";
import { subscriptionKey, type LiveHub } from "../live/live-hub.ts";

export interface WsDeps {
  readonly hub: LiveHub;
  readonly auth: Authenticator;
  readonly access: Access;
  readonly audit: AuditSink;
  readonly limits?: ConnectionLimits;
  /** Time a client has to authenticate (default 5000 ms). */
  readonly authTimeoutMs?: number;
  /** Ping interval (default 30 000 ms). */
  readonly heartbeatMs?: number;
  /** Subscriptions per connection (default 50). */
  readonly maxSubscriptions?: number;
}

const CLOSE_UNAUTHENTICATED = 4401;

const authMessage = z.object({ type: z.literal("auth"), token: z.string().min(1).max(4096) });
const subMessage = z.object({
  type: z.enum(["subscribe", "unsubscribe"]),
  scope: z.enum(["seller", "store", "network"]),
  id: z.string().regex(new RegExp(ID_PATTERN)).optional(),
});

const parse = (data: unknown): unknown => {
  try {
    return JSON.parse(String(data));
  } catch {
    return undefined;
  }
};

/** Registers `/ws` (the websocket plugin must be registered on `app` already). */
export function wsRoutes(app: FastifyInstance, deps: WsDeps): void {
  const { hub } = deps;
  const heartbeat = setInterval(() => {
    for (const conn of hub.all()) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
      conn.pump();
    }
  }, deps.heartbeatMs ?? 30_000);
  heartbeat.unref();
  app.addHook("onClose", async () => {
    clearInterval(heartbeat);
    for (const conn of hub.all()) conn.socket.close(1001, "server shutting down");
  });

  app.get(
    "/ws",
    { websocket: true, config: { public: true }, schema: { hide: true } },
    (socket: WebSocket, req) => {
      const conn = new LiveConnection(socket, hub.counters, deps.limits);
      const connectionId = randomUUID();
      let principal: Principal | undefined;
      let expiry: NodeJS.Timeout | undefined;

      const refuse = (code: number, err: VitrineError) => {
        conn.control({ type: "error", code: err.code, message: err.message });
        socket.close(code, err.code);
      };

      const ready = (token: string | undefined): boolean => {
        try {
          const a = authenticateBearer(token, deps.auth);
          principal = a.principal;
          if (a.expiresAt !== undefined) {
            const ms = Math.min(Math.max(a.expiresAt - Date.now(), 0), 2 ** 31 - 1);
            expiry = setTimeout(
              () => refuse(CLOSE_UNAUTHENTICATED, unauthenticated("Token expirado: peça um novo.")),
              ms,
            );
            expiry.unref();
          }
          hub.add(conn);
          conn.control({
            type: "ready",
            role: principal.role,
            sellerId: principal.sellerId ?? null,
            storeId: principal.storeId ?? null,
          });
          return true;
        } catch (err) {
          refuse(CLOSE_UNAUTHENTICATED, err as VitrineError);
          return false;
        }
      };

      const headerToken = bearerOf(req.headers.authorization);
      const authTimer = headerToken
        ? undefined
        : setTimeout(
            () =>
              refuse(
                CLOSE_UNAUTHENTICATED,
                unauthenticated('Autenticação não recebida em 5 s: envie { type: "auth", token } primeiro.'),
              ),
            deps.authTimeoutMs ?? 5000,
          );
      if (headerToken) ready(headerToken);

      socket.on("pong", () => {
        conn.alive = true;
      });
      socket.on("close", () => {
        clearTimeout(authTimer);
        clearTimeout(expiry);
        hub.remove(conn);
      });
      socket.on("error", () => socket.terminate());

      socket.on("message", (data) => {
        const msg = parse(data);
        if (!principal) {
          const auth = authMessage.safeParse(msg);
          clearTimeout(authTimer);
          if (!auth.success) {
            refuse(
              CLOSE_UNAUTHENTICATED,
              unauthenticated('A primeira mensagem deve ser { type: "auth", token }.'),
            );
            return;
          }
          ready(auth.data.token);
          return;
        }
        const sub = subMessage.safeParse(msg);
        if (!sub.success) {
          if (authMessage.safeParse(msg).success) return; // a repeated auth is harmless
          conn.control({
            type: "error",
            code: VT_ERR_API_BAD_REQUEST.code,
            message:
              'Mensagem inválida: use { type: "subscribe" | "unsubscribe", scope: "seller" | "store" | "network", id }.',
          });
          return;
        }
        void handleSubscription(sub.data, principal).catch((err: unknown) => {
          req.log.error({ err, connectionId }, "ws.subscription_failed");
          conn.control({
            type: "error",
            code: "VT_ERR_API_UNAVAILABLE",
            message: "Não foi possível assinar agora; tente de novo.",
          });
        });
      });

      const handleSubscription = async (m: z.infer<typeof subMessage>, p: Principal): Promise<void> => {
        if (m.scope !== "network" && m.id === undefined) {
          conn.control({
            type: "error",
            code: VT_ERR_API_BAD_REQUEST.code,
            message: `Informe o id do escopo ${m.scope}.`,
          });
          return;
        }
        const key = subscriptionKey(m.scope, m.id);
        const answer = { scope: m.scope, id: m.scope === "network" ? null : (m.id ?? null) };
        if (m.type === "unsubscribe") {
          hub.unsubscribe(conn, key);
          conn.control({ type: "unsubscribed", ...answer });
          return;
        }
        const allowed =
          m.scope === "seller"
            ? await deps.access.canReadSeller(p, m.id as string)
            : m.scope === "store"
              ? deps.access.canManageStore(p, m.id as string)
              : deps.access.canReadNetworkFeed(p);
        const read = {
          actor: p.sub,
          actorRole: p.role,
          subjectKind: m.scope,
          subjectId: m.id ?? "*",
          requestId: connectionId,
        };
        if (!allowed) {
          deps.audit.record({ ...read, action: "ws.subscribe.denied" });
          conn.control({
            type: "error",
            code: VT_ERR_API_FORBIDDEN.code,
            message:
              m.scope === "seller"
                ? "Acesso negado: você só pode acompanhar os seus próprios números (ou os da sua equipe)."
                : m.scope === "store"
                  ? "Acesso negado: só o gerente da loja acompanha a loja inteira."
                  : "Acesso negado: só administradores acompanham a rede inteira.",
            ...answer,
          });
          return;
        }
        if (socket.readyState !== socket.OPEN) return;
        if (!conn.subscriptions.has(key) && conn.subscriptions.size >= (deps.maxSubscriptions ?? 50)) {
          conn.control({
            type: "error",
            code: VT_ERR_API_BAD_REQUEST.code,
            message: "Limite de assinaturas por conexão atingido.",
          });
          return;
        }
        hub.subscribe(conn, key);
        deps.audit.record({ ...read, action: "ws.subscribe" });
        conn.control({ type: "subscribed", ...answer });
      };
    },
  );
}
