// The Vitrine live dashboard: log in with a token (kept in sessionStorage), read the figures the
// token's rights allow over REST, then stay live over the WebSocket — each sale updates the feed,
// the team leaderboard and the seller's bar at once, and the store/network figures shortly after.

import { ApiError, createApiClient, explainError, listOf } from "./api-client.js";
import { createMinutesChart, createRankingChart } from "./charts.js";
import { formatMoney, formatMonth, formatMultiplier, sellerLabel } from "./format.js";
import {
  addPairs,
  addToMinutes,
  applySaleToTeam,
  minuteSeries,
  sellerRowFromSale,
  topPairs,
} from "./live-state.js";
import { openLiveSocket } from "./live-socket.js";
import {
  complementsList,
  feedItem,
  marginList,
  message,
  pairsList,
  rankingTable,
  sellerCard,
  storeVsNetwork,
  teamList,
} from "./render.js";

const TOKEN_KEY = "vitrine.token";
const FEED_MAX = 40;
const RENDER_EVERY_MS = 150;
const PAIRS_SHOWN = 6;
const REFRESH_AFTER_SALE_MS = 2500;
/** A second read after a refresh, past the API's stale-while-revalidate window. */
const SETTLE_REFRESH_MS = 6000;
/** Other stores' sales move the ranking without reaching this socket: re-read it this often. */
const PERIODIC_REFRESH_MS = 30_000;

const $ = (id) => document.getElementById(id);
const show = (id, visible = true) => {
  $(id).hidden = !visible;
};
const fill = (id, ...nodes) => $(id).replaceChildren(...nodes);

const ROLE_LABEL = { seller: "Vendedor(a)", manager: "Gerente", admin: "Administração" };

/** Everything the page knows while logged in. */
let s = null;

// === Login / logout

function showLogin(errorText = "") {
  show("login-view", true);
  show("dashboard-view", false);
  show("session", false);
  $("login-error").textContent = errorText;
  $("token").value = "";
  $("token").focus();
}

function logout(reason = "") {
  if (s?.socket) s.socket.close();
  clearTimeout(s?.refreshTimer);
  clearInterval(s?.periodicTimer);
  clearTimeout(s?.renderTimer);
  s?.rankingChart.destroy();
  s?.minutesChart.destroy();
  s = null;
  sessionStorage.removeItem(TOKEN_KEY);
  clearView();
  showLogin(reason);
}

/** Forgets everything the last session showed (the next person to log in must not see it). */
function clearView() {
  for (const id of [
    "me-body",
    "team-body",
    "feed",
    "store-body",
    "ranking-body",
    "pairs-body",
    "complements-body",
    "margin-body",
    "store-picker",
  ])
    fill(id);
  for (const id of ["who", "banner", "feed-notice", "announcer"]) $(id).textContent = "";
  show("banner", false);
  show("feed-notice", false);
  show("feed-empty", true);
  $("month").value = "";
  $("complements-product").value = "";
}

async function login(token) {
  const api = createApiClient(token, () =>
    logout("Sua sessão expirou ou o token não vale mais. Entre de novo."),
  );
  let me;
  try {
    me = await api.get("/api/me");
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin("Token inválido ou expirado. Confira se copiou o token inteiro.");
    } else showLogin(explainError(err));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  const who = me?.principal ?? me ?? {};
  s = {
    token,
    api,
    role: who.role,
    sellerId: who.sellerId ?? undefined,
    storeId: who.storeId ?? undefined,
    month: "",
    shownMonth: "",
    team: [],
    names: new Map(),
    pairs: new Map(),
    minutes: new Map(),
    flashId: undefined,
    rankingChart: createRankingChart($("ranking-chart")),
    minutesChart: createMinutesChart($("minutes-chart")),
    refreshTimer: undefined,
    settlePending: false,
    periodicTimer: undefined,
    pendingSales: [],
    renderTimer: undefined,
    socket: undefined,
    wasLive: false,
  };
  if (s.role === "seller" && s.sellerId) s.names.set(s.sellerId, who.name ?? null);
  show("login-view", false);
  show("dashboard-view", true);
  show("session", true);
  $("who").textContent = whoText(who);
  show("me-card", s.role === "seller");
  show("team-card", s.role !== "seller");
  show("store-picker-label", s.role === "admin");
  await loadAll();
  if (!s) return; // logged out meanwhile
  connectLive();
  s.periodicTimer = setInterval(() => void refreshAggregates(), PERIODIC_REFRESH_MS);
}

function whoText(who) {
  const role = ROLE_LABEL[who.role] ?? who.role;
  if (who.role === "seller")
    return `${role} ${sellerLabel(who.name, who.sellerId).replace(/^Vendedor /, "")}`;
  if (who.role === "manager") return `${role} · loja ${who.storeId}`;
  return role;
}

// === Loading figures

/** Reads a resource into a card body, or shows why not (403 kindly, 404 as "no data yet"). */
async function into(session, bodyId, path, query, render, onEmpty) {
  try {
    const body = await session.api.get(path, query);
    if (s !== session) return undefined; // logged out (or in as someone else) meanwhile
    fill(bodyId, render(body));
    return body;
  } catch (err) {
    if (s !== session) return undefined;
    if (err instanceof ApiError && err.status === 404 && onEmpty) fill(bodyId, message(onEmpty));
    else fill(bodyId, message(explainError(err), "problem"));
    return undefined;
  }
}

const monthQuery = (session = s) => (session?.month ? { month: session.month } : {});

async function loadAll() {
  const session = s;
  if (!session) return;
  const m = monthQuery(session);
  const [network, rankingBody, seller] = await Promise.all([
    session.api.get("/api/network/summary", m).catch((err) => err),
    session.api.get("/api/stores/ranking", m).catch((err) => err),
    session.role === "seller" && session.sellerId
      ? session.api.get(`/api/sellers/${encodeURIComponent(session.sellerId)}/summary`, m).catch((err) => err)
      : Promise.resolve(undefined),
  ]);
  if (s !== session) return;
  const ranking = rankingBody instanceof Error ? [] : listOf(rankingBody, "stores", "ranking");
  session.shownMonth =
    session.month ||
    (network instanceof Error ? "" : network?.month) ||
    ranking[0]?.month ||
    seller?.month ||
    "";
  if (!session.month && session.shownMonth) $("month").value = session.shownMonth;
  $("dash-title").textContent = `Painel de ${formatMonth(session.shownMonth)}`;

  // Seller: own card; own store from the summary when the token does not name it.
  if (session.role === "seller") {
    if (seller instanceof Error) {
      fill(
        "me-body",
        message(
          seller.status === 404
            ? "Você ainda não tem vendas neste mês. A primeira aparece aqui na hora."
            : explainError(seller),
          seller.status === 404 ? "empty" : "problem",
        ),
      );
    } else if (seller) {
      session.storeId ??= seller.storeId ?? undefined;
      if (seller.name) session.names.set(seller.sellerId, seller.name);
      session.me = seller;
      fill("me-body", sellerCard(seller));
    }
  }
  if (session.role === "admin") {
    session.storeId = pickStore(ranking, session.storeId);
  }

  // Ranking and chart.
  if (rankingBody instanceof Error) fill("ranking-body", message(explainError(rankingBody), "problem"));
  else fill("ranking-body", rankingTable(ranking, session.storeId));
  showRankingHint(session.rankingChart.update(ranking, session.storeId));

  // Store vs network.
  let store;
  if (session.storeId) {
    store = await session.api
      .get(`/api/stores/${encodeURIComponent(session.storeId)}/summary`, m)
      .catch((err) => err);
    if (s !== session) return;
  }
  const net = network instanceof Error ? undefined : network;
  if (store instanceof Error && store.status !== 404)
    fill("store-body", message(explainError(store), "problem"));
  else if (network instanceof Error && !store) fill("store-body", message(explainError(network), "problem"));
  else fill("store-body", storeVsNetwork(store instanceof Error ? undefined : store, net));
  $("store-title").textContent = session.storeId ? `Loja ${session.storeId} × rede` : "Rede";

  const noSales = net !== undefined && net.revenue === "0.00";
  $("banner").textContent = noSales
    ? "Ainda não há vendas neste mês. Os números aparecem aqui assim que a primeira venda for processada."
    : "";
  show("banner", Boolean(noSales));

  await Promise.all([loadTeam(session), loadProducts(session)]);
}

function showRankingHint(kind) {
  $("ranking-hint").textContent =
    kind === "revenue"
      ? "Faturamento do mês de cada loja (nenhuma loja tem meta neste mês); a sua em destaque."
      : "% da meta do mês de cada loja; a sua em destaque.";
}

function pickStore(ranking, storeId) {
  const picker = $("store-picker");
  const current = picker.value || storeId;
  const ids = ranking.map((r) => r.storeId);
  picker.replaceChildren(...ids.map((id) => new Option(`Loja ${id}`, id)));
  const chosen = ids.includes(current) ? current : ids[0];
  if (chosen) picker.value = chosen;
  return chosen;
}

async function loadTeam(session) {
  if (s !== session || session.role === "seller") return;
  if (!session.storeId) {
    fill("team-body", message("Escolha uma loja para ver a equipe."));
    return;
  }
  $("team-title").textContent = `Ranking da equipe · loja ${session.storeId}`;
  const body = await into(
    session,
    "team-body",
    `/api/stores/${encodeURIComponent(session.storeId)}/sellers`,
    monthQuery(session),
    (b) => {
      session.team = listOf(b, "sellers", "team");
      for (const r of session.team) if (r.name) session.names.set(r.sellerId, r.name);
      return teamList(session.team);
    },
    "Ainda não há vendas nem vendedores neste mês.",
  );
  if (!body) session.team = [];
}

async function loadProducts(session) {
  if (s !== session) return;
  const top = await into(session, "margin-body", "/api/products/top-margin", { limit: 8 }, (b) =>
    marginList(listOf(b, "products")),
  );
  const products = listOf(top, "products").slice(0, 5);
  const lists = await Promise.all(
    products.map((p) =>
      session.api
        .get(`/api/products/${encodeURIComponent(p.codProd)}/complements`, { limit: 3 })
        .then((b) => ({ p, list: listOf(b, "complements") }))
        .catch(() => ({ p, list: [] })),
    ),
  );
  if (s !== session) return;
  for (const { p, list } of lists) s.pairs = addPairs(s.pairs, p.codProd, p.name, list);
  renderPairs();
}

const renderPairs = () => fill("pairs-body", pairsList(topPairs(s.pairs, PAIRS_SHOWN)));

/**
 * Refreshes the aggregates a sale changed (store, network, ranking): once, shortly after a burst
 * of sales, then once more a few seconds later — the API serves a just-expired cached figure while
 * it re-reads it (stale-while-revalidate), so the first answer may predate the sale.
 */
function scheduleRefresh(delayMs = REFRESH_AFTER_SALE_MS) {
  if (!s) return;
  s.settlePending = true;
  if (s.refreshTimer) return;
  s.refreshTimer = setTimeout(() => void refreshAggregates(), delayMs);
}

async function refreshAggregates() {
  const session = s;
  if (!session) return;
  clearTimeout(session.refreshTimer);
  session.refreshTimer = undefined;
  const settle = session.settlePending;
  session.settlePending = false;
  const m = monthQuery();
  const [network, rankingBody, store] = await Promise.all([
    session.api.get("/api/network/summary", m).catch(() => undefined),
    session.api.get("/api/stores/ranking", m).catch(() => undefined),
    session.storeId
      ? session.api
          .get(`/api/stores/${encodeURIComponent(session.storeId)}/summary`, m)
          .catch(() => undefined)
      : undefined,
  ]);
  if (s !== session) return;
  if (rankingBody) {
    const ranking = listOf(rankingBody, "stores", "ranking");
    fill("ranking-body", rankingTable(ranking, s.storeId));
    showRankingHint(s.rankingChart.update(ranking, s.storeId));
  }
  if (network || store) fill("store-body", storeVsNetwork(store, network));
  if (network && network.revenue !== "0.00") show("banner", false);
  if (settle && !s.refreshTimer) {
    s.refreshTimer = setTimeout(() => void refreshAggregates(), SETTLE_REFRESH_MS);
  }
}

// === Live

function subscriptions() {
  if (s.role === "seller") return [{ scope: "seller", id: s.sellerId }];
  if (s.role === "manager") return [{ scope: "store", id: s.storeId }];
  return [{ scope: "network" }];
}

function connectLive() {
  s.socket = openLiveSocket({
    token: s.token,
    subscriptions: subscriptions(),
    onStatus: onLiveStatus,
    onMessage: onLiveMessage,
  });
}

function onLiveStatus(st) {
  const box = $("live-status");
  const text = box.querySelector(".text");
  box.classList.toggle("live", st.status === "live");
  box.classList.toggle("down", st.status === "reconnecting" || st.status === "unauthorized");
  if (st.status === "live") {
    text.textContent = "ao vivo";
    // Back after a drop: read again what happened meanwhile.
    // (twice: the first answers may be the API's stale-while-revalidate cache)
    if (s?.wasLive) void loadAll().then(() => setTimeout(() => void loadAll(), SETTLE_REFRESH_MS));
    if (s) s.wasLive = true;
  } else if (st.status === "connecting") text.textContent = "conectando…";
  else if (st.status === "reconnecting")
    text.textContent = st.retryInMs
      ? `conexão perdida — reconectando em ${Math.ceil(st.retryInMs / 1000)} s`
      : `reconectando (tentativa ${st.attempt})…`;
  else if (st.status === "unauthorized")
    logout("Sua sessão expirou ou o token não vale mais. Entre de novo.");
  else text.textContent = "desconectado";
}

function onLiveMessage(msg) {
  if (!s) return;
  if (msg.type === "sale") onSale(msg);
  else if (msg.type === "dropped") {
    const n = $("feed-notice");
    n.textContent = `${msg.count} vendas não foram exibidas (conexão lenta); os totais continuam certos.`;
    show("feed-notice", true);
    scheduleRefresh();
  } else if (msg.type === "error") {
    const n = $("feed-notice");
    n.textContent =
      msg.code === "VT_ERR_API_FORBIDDEN" || /forbidden|403/i.test(String(msg.code))
        ? "Seu acesso não inclui este acompanhamento ao vivo."
        : String(msg.message ?? "Erro na conexão ao vivo.");
    show("feed-notice", true);
  }
}

/**
 * Sales are applied in small batches (every RENDER_EVERY_MS), so a burst of hundreds per second
 * costs one re-render, not hundreds; the state updates themselves run per sale, in order.
 */
function onSale(sale) {
  s.pendingSales.push(sale);
  if (s.pendingSales.length > FEED_MAX * 50) s.pendingSales.splice(0, s.pendingSales.length - FEED_MAX * 50);
  if (!s.renderTimer) s.renderTimer = setTimeout(flushSales, RENDER_EVERY_MS);
}

function flushSales() {
  if (!s) return;
  s.renderTimer = undefined;
  const batch = s.pendingSales.splice(0);
  if (batch.length === 0) return;
  const now = Date.now();
  let teamChanged = false;
  let meChanged = false;
  let pairsChanged = false;
  let flashId;
  for (const sale of batch) {
    s.minutes = addToMinutes(s.minutes, sale, now);
    if (sale.complements?.length) {
      s.pairs = addPairs(s.pairs, sale.productId, sale.productName, sale.complements);
      pairsChanged = true;
    }
    if (sale.month !== s.shownMonth) continue;
    if (s.role !== "seller" && s.storeId) {
      const next = applySaleToTeam(s.team, sale, s.storeId, s.shownMonth);
      if (next !== s.team) {
        s.team = next;
        teamChanged = true;
        flashId = sale.sellerId;
      }
    }
    if (s.role === "seller" && sale.sellerId === s.sellerId) {
      s.me = sellerRowFromSale(sale, s.me ?? { name: s.names.get(s.sellerId) ?? null, role: null });
      meChanged = true;
    }
    if (sale.crossedTier)
      $("announcer").textContent =
        `${sellerLabel(s.names.get(sale.sellerId), sale.sellerId)} subiu para ${formatMultiplier(sale.multiplier)}! Comissão do mês: ${formatMoney(sale.monthCommission)}.`;
  }

  // Feed: newest first, at most FEED_MAX lines.
  const feed = $("feed");
  feed.prepend(
    ...batch
      .slice(-FEED_MAX)
      .reverse()
      .map((sale) => feedItem(sale, s.names)),
  );
  while (feed.children.length > FEED_MAX) feed.lastElementChild.remove();
  show("feed-empty", false);
  s.minutesChart.update(minuteSeries(s.minutes, now));
  if (pairsChanged) renderPairs();
  if (teamChanged) fill("team-body", teamList(s.team, flashId));
  if (meChanged) fill("me-body", sellerCard(s.me));
  scheduleRefresh();
}

// === Wiring

$("login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const token = $("token")
    .value.trim()
    .replace(/^Bearer\s+/i, "");
  if (!token) {
    $("login-error").textContent = "Cole o token para entrar.";
    return;
  }
  $("login-error").textContent = "";
  void login(token);
});
$("logout").addEventListener("click", () => logout());
$("month").addEventListener("change", () => {
  if (!s) return;
  s.month = $("month").value;
  s.team = [];
  void loadAll();
});
$("store-picker").addEventListener("change", () => {
  if (!s) return;
  s.storeId = $("store-picker").value;
  s.team = [];
  void loadAll();
});
$("complements-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!s) return;
  const id = $("complements-product").value.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    fill("complements-body", message("Digite o código do produto (só letras e números).", "problem"));
    return;
  }
  await into(
    s,
    "complements-body",
    `/api/products/${encodeURIComponent(id)}/complements`,
    { limit: 5 },
    (b) => complementsList(id, listOf(b, "complements")),
    `Produto ${id} não encontrado.`,
  );
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void login(saved);
else showLogin();
