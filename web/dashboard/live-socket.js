// The dashboard's WebSocket to the API (`/ws`): authenticates with the token as its first message
// (never in the URL), subscribes, hands each `sale` to the page and keeps itself alive — a
// dropped socket is reopened with exponential backoff and jitter, re-authenticated and
// re-subscribed. A refusal of the token itself stops the retries (the page logs out).

/** Delay before reconnect attempt `attempt` (0, 1, 2, …): 1 s, 2 s, 4 s … capped at 30 s, ±20 %. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Close codes and error codes that mean "this token is not accepted": do not retry. */
const AUTH_CLOSE_CODES = new Set([1008, 4001, 4401, 4403]);
const AUTH_ERROR_CODES = new Set(["VT_ERR_API_UNAUTHENTICATED", "VT_ERR_API_TOKEN_INVALID"]);

/**
 * Opens and keeps a live socket.
 *
 * @param {object} o
 * @param {string} o.token bearer token
 * @param {Array<{scope: string, id?: string}>} o.subscriptions what to subscribe to after auth
 * @param {(msg: object) => void} o.onMessage every parsed message but auth/subscription acks
 * @param {(state: {status: string, attempt?: number, retryInMs?: number, detail?: string}) => void} o.onStatus
 *   "connecting" | "live" | "reconnecting" | "unauthorized" | "closed"
 * @returns {{ close(): void, resubscribe(subs: Array<{scope: string, id?: string}>): void }}
 */
export function openLiveSocket(o) {
  let ws;
  let attempt = 0;
  let timer;
  let closed = false;
  let subscriptions = o.subscriptions;
  let liveSent = false;

  const url = () => `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;

  const send = (obj) => {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj));
  };

  const subscribeAll = () => {
    for (const s of subscriptions) send({ type: "subscribe", scope: s.scope, ...(s.id ? { id: s.id } : {}) });
  };

  const markLive = () => {
    if (liveSent) return;
    liveSent = true;
    attempt = 0;
    o.onStatus({ status: "live" });
  };

  const connect = () => {
    if (closed) return;
    liveSent = false;
    o.onStatus({ status: attempt === 0 ? "connecting" : "reconnecting", attempt });
    ws = new WebSocket(url());
    ws.addEventListener("open", () => {
      send({ type: "auth", token: o.token });
      // The server reads messages in order: the subscriptions follow the auth message at once.
      subscribeAll();
    });
    ws.addEventListener("message", (ev) => {
      let msg;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (msg.type === "error" && AUTH_ERROR_CODES.has(msg.code)) {
        closed = true;
        o.onStatus({ status: "unauthorized", detail: msg.message });
        ws.close();
        return;
      }
      if (["auth", "authenticated", "auth_ok", "ready", "subscribed", "welcome"].includes(msg.type)) {
        markLive();
        if (msg.type !== "subscribed") return;
      }
      if (msg.type === "sale") markLive();
      o.onMessage(msg);
    });
    ws.addEventListener("close", (ev) => {
      if (closed) return;
      if (AUTH_CLOSE_CODES.has(ev.code)) {
        closed = true;
        o.onStatus({ status: "unauthorized", detail: ev.reason });
        return;
      }
      const retryInMs = backoffDelay(attempt);
      attempt += 1;
      o.onStatus({ status: "reconnecting", attempt, retryInMs });
      timer = setTimeout(connect, retryInMs);
    });
  };

  connect();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (ws) ws.close(1000, "bye");
      o.onStatus({ status: "closed" });
    },
    resubscribe(next) {
      for (const s of subscriptions)
        send({ type: "unsubscribe", scope: s.scope, ...(s.id ? { id: s.id } : {}) });
      subscriptions = next;
      subscribeAll();
    },
  };
}
