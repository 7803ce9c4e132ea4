// DOM builders of the dashboard's cards. Data only ever reaches the page as text nodes (never
// innerHTML), so a product or seller name cannot inject markup.

import {
  barWidth,
  formatCount,
  formatDecimal,
  formatMoney,
  formatMultiplier,
  formatPercent,
  formatTime,
  sellerLabel,
  tierClass,
} from "./format.js";

/** Creates an element: `el("p", { class: "x" }, "text", child)`. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** A figure tile: label, value and an optional line below. */
export const kpi = (label, value, sub) =>
  el(
    "div",
    { class: "kpi" },
    el("span", { class: "label" }, label),
    el("span", { class: "value" }, value),
    sub ? el("span", { class: "sub" }, sub) : null,
  );

/** A message in a card: empty state or a problem. */
export const message = (text, kind = "empty") => el("p", { class: kind }, text);

/**
 * A progress bar to target spanning 0–150 %, with marks at 100 % (1,25×) and 120 % (1,50×).
 * The bar's width is geometry; the text figures come from the exact decimal strings.
 */
export function progressBar(attainment, multiplier, label) {
  const pct = formatPercent(attainment);
  const fill = el("div", { class: "fill" });
  fill.style.width = `${barWidth(attainment)}%`;
  const now = attainment === null || attainment === undefined ? 0 : Math.round(Number(attainment) * 100);
  return el(
    "div",
    {
      class: `progress ${tierClass(multiplier)}`,
      role: "progressbar",
      "aria-label": label,
      "aria-valuemin": 0,
      "aria-valuemax": 150,
      "aria-valuenow": Number.isFinite(now) ? Math.min(now, 150) : 0,
      "aria-valuetext":
        attainment === null || attainment === undefined
          ? "sem meta"
          : `${pct} da meta, multiplicador ${formatMultiplier(multiplier)}`,
    },
    fill,
    el("span", { class: "mark m100", title: "100% da meta: 1,25×" }),
    el("span", { class: "mark m120", title: "120% da meta: 1,50×" }),
  );
}

/** The scale under a progress bar. */
export const progressScale = () =>
  el(
    "div",
    { class: "scale", "aria-hidden": "true" },
    ...[
      ["0%", 0],
      ["100%", 66.667],
      ["120%", 80],
      ["150%", 100],
    ].map(([t, left]) => {
      const s = el("span", {}, t);
      s.style.left = `${left}%`;
      if (left === 0) s.style.transform = "none";
      if (left === 100) s.style.transform = "translateX(-100%)";
      return s;
    }),
  );

/** "Faltam R$ 1.234,56 para 1,25× (100%)" or the top-tier / no-target line. */
export function nextTierText(s) {
  if (s.target === null || s.target === undefined)
    return "Sem meta definida para este mês: o multiplicador fica em 1,00×.";
  if (!s.nextTier)
    return `Faixa máxima atingida: ${formatMultiplier(s.multiplier)} sobre toda a comissão do mês.`;
  return `Faltam ${formatMoney(s.nextTier.revenueNeeded)} para ${formatMultiplier(s.nextTier.multiplier)} (${formatPercent(s.nextTier.attainment, 0)} da meta).`;
}

/** The seller's own card: commission, revenue vs target, bar, tier and next tier. */
export function sellerCard(s) {
  return el(
    "div",
    { class: tierClass(s.multiplier) },
    el("p", { class: "hint" }, sellerLabel(s.name, s.sellerId), s.storeId ? ` · loja ${s.storeId}` : ""),
    el(
      "div",
      { class: "kpis" },
      kpi("Comissão do mês", formatMoney(s.commission), `multiplicador ${formatMultiplier(s.multiplier)}`),
      kpi("Vendido no mês", formatMoney(s.revenue), s.target ? `meta ${formatMoney(s.target)}` : "sem meta"),
      kpi("Meta atingida", formatPercent(s.attainment)),
      kpi("Linhas · cestas", `${formatCount(s.lines)} · ${formatCount(s.baskets)}`),
    ),
    progressBar(s.attainment, s.multiplier, `Progresso de ${sellerLabel(s.name, s.sellerId)} até a meta`),
    progressScale(),
    el("p", { class: "hint" }, "Multiplicador: 1,25× a partir de 100% da meta; 1,50× a partir de 120%."),
    el(
      "p",
      { class: "next-tier" },
      el("span", { class: `badge ${tierClass(s.multiplier)}` }, formatMultiplier(s.multiplier)),
      " ",
      nextTierText(s),
    ),
  );
}

/** The team leaderboard. `flashId`: the seller whose row just changed. */
export function teamList(rows, flashId) {
  if (rows.length === 0) return message("Ainda não há vendas nem vendedores neste mês.");
  return el(
    "ol",
    { class: "team", "aria-label": "Ranking da equipe por faturamento do mês" },
    rows.map((s, i) =>
      el(
        "li",
        {
          class: `${tierClass(s.multiplier)}${s.sellerId === flashId ? " flash" : ""}`,
          dataset: { sellerId: s.sellerId },
        },
        el("span", { class: "pos", "aria-label": `${i + 1}º lugar` }, `${i + 1}º`),
        el(
          "span",
          { class: "name" },
          sellerLabel(s.name, s.sellerId),
          s.role === "gerente" ? " (gerente)" : "",
        ),
        el(
          "span",
          { class: "figures" },
          el("span", { class: "revenue" }, formatMoney(s.revenue)),
          " ",
          el("span", { class: `badge ${tierClass(s.multiplier)}` }, formatMultiplier(s.multiplier)),
        ),
        el(
          "div",
          { class: "bar" },
          progressBar(s.attainment, s.multiplier, `Progresso de ${sellerLabel(s.name, s.sellerId)}`),
        ),
        el(
          "span",
          { class: "detail" },
          s.attainment === null || s.attainment === undefined
            ? `sem meta · comissão ${formatMoney(s.commission)}`
            : `${formatPercent(s.attainment)} da meta · comissão ${formatMoney(s.commission)} · `,
          s.nextTier
            ? `faltam ${formatMoney(s.nextTier.revenueNeeded)} para ${formatMultiplier(s.nextTier.multiplier)}`
            : s.attainment === null || s.attainment === undefined
              ? ""
              : "faixa máxima",
        ),
      ),
    ),
  );
}

/** One line of the live feed. `names`: seller id → name when known. */
export function feedItem(sale, names) {
  const returned = Number(sale.quantidade) < 0;
  return el(
    "li",
    { class: "flash", dataset: { lineId: sale.lineId } },
    el("time", { datetime: sale.saleTime }, formatTime(sale.saleTime)),
    el("span", { class: "what" }, `${sale.quantidade}× ${sale.productName || `produto ${sale.productId}`}`),
    el("span", { class: `amount${returned ? " return" : ""}` }, formatMoney(sale.revenue)),
    el(
      "span",
      { class: "meta" },
      `${sellerLabel(names.get(sale.sellerId), sale.sellerId)} · loja ${sale.storeId} · rendeu ${formatMoney(sale.earned)}`,
      sale.highMargin ? " · alta margem" : "",
      sale.crossedTier
        ? el("span", { class: "crossed" }, ` · subiu para ${formatMultiplier(sale.multiplier)}!`)
        : "",
    ),
  );
}

/** Store vs network comparison table plus the store's ranks. */
export function storeVsNetwork(store, network) {
  const rows = [
    ["Faturamento", formatMoney(store?.revenue), formatMoney(network?.revenue)],
    [
      "Meta atingida",
      store ? formatPercent(store.attainment) : "—",
      network ? formatPercent(network.attainment) : "—",
    ],
    ["Cestas", formatCount(store?.baskets), formatCount(network?.baskets)],
    ["Ticket médio", formatMoney(store?.avgTicket), formatMoney(network?.avgTicket)],
    ["Itens por cesta", formatDecimal(store?.itemsPerBasket), formatDecimal(network?.itemsPerBasket)],
  ];
  const table = el(
    "table",
    { class: "compare" },
    el("caption", { class: "sr-only" }, "Loja comparada com a rede no mês"),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        el("th", { scope: "col" }, ""),
        el("th", { scope: "col" }, store ? `Loja ${store.storeId}` : "Loja"),
        el("th", { scope: "col" }, network ? `Rede (${network.stores} lojas)` : "Rede"),
      ),
    ),
    el(
      "tbody",
      {},
      rows.map(([k, a, b]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, a), el("td", {}, b))),
    ),
  );
  const ranks = store
    ? el(
        "div",
        { class: "kpis" },
        kpi("Posição na rede", `${store.rankNetwork}º`, network ? `de ${network.stores} lojas` : undefined),
        kpi("Posição na região", `${store.rankRegion}º`, store.region ? `região ${store.region}` : undefined),
      )
    : null;
  return el("div", {}, ranks, table);
}

/** The network's store ranking as a table (the chart sits above it). */
export function rankingTable(stores, mine) {
  if (stores.length === 0) return message("Nenhuma loja vendeu neste mês ainda.");
  return el(
    "table",
    { class: "compare" },
    el("caption", { class: "sr-only" }, "Ranking das lojas da rede por faturamento"),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["Loja", "Faturamento", "% da meta", "Ticket médio"].map((h) => el("th", { scope: "col" }, h)),
      ),
    ),
    el(
      "tbody",
      {},
      stores.map((s) =>
        el(
          "tr",
          { class: s.storeId === mine ? "mine" : undefined },
          el(
            "td",
            {},
            `${s.rankNetwork}º · ${s.storeId}`,
            s.region ? el("span", { class: "sub" }, ` ${s.region}`) : "",
          ),
          el("td", {}, formatMoney(s.revenue)),
          el("td", {}, formatPercent(s.attainment)),
          el("td", {}, formatMoney(s.avgTicket)),
        ),
      ),
    ),
  );
}

/** "1 cesta", "12 cestas". */
const baskets = (n) => `${formatCount(n)} ${Number(n) === 1 ? "cesta" : "cestas"}`;

/** Cross-sell pairs. */
export function pairsList(pairs) {
  if (pairs.length === 0) return message("Ainda não há compras conjuntas registradas.");
  return el(
    "ul",
    { class: "plain" },
    pairs.map((p) =>
      el(
        "li",
        {},
        el(
          "span",
          {},
          `${p.aName || `produto ${p.a}`} + ${p.bName || `produto ${p.b}`}`,
          el("span", { class: "sub" }, `códigos ${p.a} e ${p.b}`),
        ),
        el("span", { class: "num" }, baskets(p.times)),
      ),
    ),
  );
}

/** Complements of one product. */
export function complementsList(productId, list) {
  if (list.length === 0) return message(`Nenhum complemento conhecido para o produto ${productId}.`);
  return el(
    "ul",
    { class: "plain", "aria-label": `Complementos do produto ${productId}` },
    list.map((c) =>
      el(
        "li",
        {},
        el("span", {}, c.name || `produto ${c.codProd}`, el("span", { class: "sub" }, `código ${c.codProd}`)),
        el("span", { class: "num" }, baskets(c.timesBoughtTogether)),
      ),
    ),
  );
}

/** Highest-margin products. */
export function marginList(list) {
  if (list.length === 0) return message("Sem preços e custos vigentes ainda.");
  return el(
    "ul",
    { class: "plain" },
    list.map((p) =>
      el(
        "li",
        {},
        el(
          "span",
          {},
          p.name || `produto ${p.codProd}`,
          el(
            "span",
            { class: "sub" },
            [p.category, `código ${p.codProd}`, `preço ${formatMoney(p.listPrice)}`]
              .filter(Boolean)
              .join(" · "),
          ),
        ),
        el("span", { class: "num" }, formatPercent(p.margin)),
      ),
    ),
  );
}
