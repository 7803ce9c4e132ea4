/**
 * Every text the bot sends, in Brazilian Portuguese, built from exact figures (money and ratios
 * as decimal text; see format.ts). Pure functions: the unit tests pin the wording and the sums.
 */
import type {
  Complement,
  MarginProduct,
  Promotion,
  SellerSummary,
  StoreSummary,
} from "../sql/figures/contract.ts";
import type { SaleFeedback } from "./feedback-event.ts";
import { brl, brlCents, dayLabel, monthLabel, oneDecimal, pct, sumCents, times } from "./format.ts";

export const HOW_TO_LINK =
  "Olá! Eu mostro suas vendas e sua comissão da CosmeticCo em tempo real.\n" +
  "Para começar, peça ao seu gerente um código de vínculo e envie aqui:\n/start CÓDIGO";

export const PRIVATE_ONLY = "Por privacidade, eu só funciono em conversa privada. Fale comigo diretamente.";

export const LINK_RESULT = {
  unknown:
    "Código não reconhecido. Confira e envie /start CÓDIGO de novo, ou peça um novo código ao seu gerente.",
  expired: "Este código expirou. Peça um novo ao seu gerente.",
  used: "Este código já foi usado. Peça um novo ao seu gerente.",
  refused:
    "Não foi possível vincular: o cadastro deste vendedor não existe ou não está ativo. Fale com seu gerente.",
} as const;

export const ALREADY_LINKED =
  "Este chat já está vinculado. Para trocar de cadastro, envie /sair e depois /start CÓDIGO.";

export const UNLINKED =
  "Pronto, desvinculei este chat: você não receberá mais mensagens minhas. Para voltar, peça um novo código ao seu gerente.";

export const NOT_ACTIVE =
  "Seu cadastro não está ativo, então não mostro mais seus números. Fale com seu gerente; /sair desvincula este chat.";

export const MANAGERS_ONLY = "Este comando é só para gerentes.";

export const UNKNOWN_COMMAND = "Não conheço esse comando. Envie /ajuda para ver o que eu sei fazer.";

export const SUGGESTIONS_USAGE = "Envie /sugestoes CÓDIGO_DO_PRODUTO, por exemplo: /sugestoes 500123";

export const TRY_AGAIN = "Não consegui buscar seus números agora. Tente de novo em instantes.";

/** First name only (the employee table's name field). */
const firstName = (name: string | null): string => (name ?? "").trim().split(/\s+/)[0] ?? "";

export function linked(name: string | null, manager: boolean): string {
  const hello = firstName(name) ? `Pronto, ${firstName(name)}!` : "Pronto!";
  return (
    `${hello} Este chat está vinculado ao seu cadastro.\n` +
    "Vou avisar a cada venda sua: quanto ela rendeu, sua comissão do mês e quanto falta para a meta.\n" +
    (manager ? "Como gerente, você também recebe o relatório da loja todo dia às 8h.\n" : "") +
    "/ajuda mostra os comandos; /sair desfaz o vínculo."
  );
}

export function help(manager: boolean): string {
  const lines = [
    "O que eu sei fazer:",
    "/meta — seu progresso na meta do mês",
    "/comissao — sua comissão do mês até agora",
    "/sugestoes CÓDIGO — produtos para oferecer junto",
    "/margem — produtos de maior margem",
    "/promocoes — promoções em vigor",
  ];
  if (manager) lines.push("/loja — números da loja no mês", "/equipe — ranking da equipe no mês");
  lines.push("/sair — desvincular este chat (você não recebe mais nada)", "/ajuda — esta lista");
  return lines.join("\n");
}

/** "Meta: 87,5% de R$ 30.000,00" and the next tier, shared by pings and /meta. */
function targetLines(f: {
  target: string | null;
  attainment: string | null;
  multiplier: string;
  nextAttainment: string | null;
  nextMultiplier: string | null;
  revenueNeeded: string | null;
}): string[] {
  if (f.target === null || f.attainment === null) return ["Sem meta cadastrada para este mês."];
  const out = [`Meta: ${pct(f.attainment)} de ${brl(f.target)}`];
  if (f.nextAttainment !== null && f.nextMultiplier !== null && f.revenueNeeded !== null)
    out.push(
      `Próxima faixa: ${pct(f.nextAttainment)} da meta (${times(f.nextMultiplier)}) — faltam ${brl(f.revenueNeeded)}`,
    );
  else out.push(`Você está na faixa máxima (${times(f.multiplier)}). Parabéns!`);
  return out;
}

function monthLines(e: SaleFeedback): string[] {
  return [
    `Comissão do mês: ${brl(e.month_commission)} (multiplicador ${times(e.multiplier)})`,
    ...targetLines({
      target: e.month_target,
      attainment: e.attainment,
      multiplier: e.multiplier,
      nextAttainment: e.next_tier_attainment,
      nextMultiplier: e.next_tier_multiplier,
      revenueNeeded: e.revenue_to_next_tier,
    }),
  ];
}

const celebration = (multiplier: string): string =>
  `🎉 Parabéns! Você subiu de faixa: sua comissão do mês agora vale ${times(multiplier)}!`;

function complementLine(e: SaleFeedback): string | undefined {
  const c = e.complements[0];
  if (!c) return undefined;
  return `💡 Ofereça também: ${c.product_name || `produto ${c.product_id}`} (comprados juntos ${vezes(c.times_bought_together)})`;
}

const vezes = (n: number): string => `${n} ${n === 1 ? "vez" : "vezes"}`;

const product = (e: SaleFeedback): string => e.product_name || `produto ${e.product_id}`;

/** Merged pings list each sale's value up to this many sales, then only the total. */
export const LISTED_SALES = 6;

/**
 * The ping for one sale line, or for several pending ones merged ("3 vendas: …"): their values,
 * what they earned together, and the month figures after the last one.
 *
 * @param events one seller's events, oldest first (at least one)
 * @param opts.manager the seller is a manager: no commission lines, the sale counts for the store
 */
export function salePing(events: readonly SaleFeedback[], opts: { manager?: boolean } = {}): string {
  const last = events[events.length - 1];
  if (!last) throw new Error("salePing needs at least one event");
  const lines: string[] = [];
  // A sale is a basket: lines of one basket that arrive together are one sale of several items.
  const baskets = new Map<string, SaleFeedback[]>();
  for (const e of events) baskets.set(e.basket_id, [...(baskets.get(e.basket_id) ?? []), e]);
  const earned = brlCents(sumCents(events.map((e) => e.earned)));
  if (events.length === 1) {
    lines.push(
      last.quantidade < 0
        ? `↩️ Devolução de ${brl(last.revenue)} — ${-last.quantidade}× ${product(last)}`
        : `💰 Venda de ${brl(last.revenue)} — ${last.quantidade}× ${product(last)}`,
      ...(opts.manager ? [] : [`Você ganhou ${earned} com ela.`]),
    );
  } else if (baskets.size === 1) {
    lines.push(
      `💰 Venda de ${brlCents(sumCents(events.map((e) => e.revenue)))} — ${events
        .map((e) => `${e.quantidade}× ${product(e)}`)
        .join(", ")}`,
      ...(opts.manager ? [] : [`Você ganhou ${earned} com ela.`]),
    );
  } else {
    const sums = [...baskets.values()].map((b) => sumCents(b.map((e) => e.revenue)));
    const total = brlCents(sums.reduce((x, y) => x + y, 0n));
    lines.push(
      sums.length <= LISTED_SALES
        ? `💰 ${sums.length} vendas: ${sums.map(brlCents).join(" + ")} = ${total}`
        : `💰 ${sums.length} vendas somando ${total}`,
      ...(opts.manager ? [] : [`Você ganhou ${earned} com elas.`]),
    );
  }
  if (opts.manager) {
    lines.push(
      `Gerentes não recebem comissão: suas vendas (${brl(last.month_revenue)} no mês) contam para a loja.`,
    );
    return lines.join("\n");
  }
  lines.push(...monthLines(last));
  const crossed = events.filter((e) => e.crossed_tier);
  const top = crossed[crossed.length - 1];
  if (top) lines.push(celebration(top.multiplier));
  const offer = complementLine(last);
  if (offer) lines.push(offer);
  return lines.join("\n");
}

export function meta(s: SellerSummary | undefined, month: string): string {
  if (!s) return `Ainda não há vendas suas em ${monthLabel(month)}.`;
  return [
    `🎯 Sua meta de ${monthLabel(month)}`,
    `Vendido: ${brl(s.revenue)} em ${s.baskets} atendimentos`,
    ...targetLines({
      target: s.target,
      attainment: s.attainment,
      multiplier: s.multiplier,
      nextAttainment: s.nextTier?.attainment ?? null,
      nextMultiplier: s.nextTier?.multiplier ?? null,
      revenueNeeded: s.nextTier?.revenueNeeded ?? null,
    }),
  ].join("\n");
}

export function commission(s: SellerSummary | undefined, month: string): string {
  if (!s) return `Ainda não há vendas suas em ${monthLabel(month)}: comissão ${brl("0")}.`;
  if (s.role === "gerente")
    return `Gerentes não recebem comissão; suas vendas de ${monthLabel(month)} (${brl(s.revenue)}) contam para a loja.`;
  return [
    `💵 Sua comissão de ${monthLabel(month)}: ${brl(s.commission)}`,
    `Multiplicador: ${times(s.multiplier)} · vendido ${brl(s.revenue)} em ${s.lines} itens e ${s.baskets} atendimentos`,
  ].join("\n");
}

export function suggestions(productId: string, list: readonly Complement[]): string {
  if (list.length === 0) return `Ainda não há compras conjuntas registradas para o produto ${productId}.`;
  return [
    `🛍️ Quem leva o produto ${productId} também leva:`,
    ...list.map(
      (c, i) =>
        `${i + 1}. ${c.name ?? `produto ${c.codProd}`} (${c.codProd}) — ${vezes(c.timesBoughtTogether)} juntos`,
    ),
  ].join("\n");
}

export function topMargin(list: readonly MarginProduct[]): string {
  if (list.length === 0) return "Ainda não tenho preços e custos para calcular margens.";
  return [
    "📈 Produtos de maior margem hoje:",
    ...list.map(
      (p, i) =>
        `${i + 1}. ${p.name ?? `produto ${p.codProd}`} (${p.codProd}) — margem ${pct(p.margin)}, preço ${brl(p.listPrice)}`,
    ),
  ].join("\n");
}

export function promotions(list: readonly Promotion[]): string {
  if (list.length === 0) return "Nenhuma promoção em vigor hoje.";
  return [
    "🏷️ Promoções em vigor:",
    ...list.map(
      (p) =>
        `• ${p.name ?? `produto ${p.codProd}`} (${p.codProd}): ${brl(p.price)} (antes ${brl(p.previousPrice)}, −${pct(p.discount)})` +
        (p.end ? ` até ${dayLabel(p.end)}` : ""),
    ),
  ].join("\n");
}

const ordinal = (n: number): string => `${n}º`;

export function store(s: StoreSummary | undefined, storeId: string, month: string): string {
  if (!s) return `Ainda não há vendas da loja ${storeId} em ${monthLabel(month)}.`;
  return [
    `🏬 Loja ${s.storeId} em ${monthLabel(month)}`,
    s.target !== null && s.attainment !== null
      ? `Faturamento: ${brl(s.revenue)} de ${brl(s.target)} (${pct(s.attainment)} da meta)`
      : `Faturamento: ${brl(s.revenue)} (sem meta cadastrada)`,
    `Atendimentos: ${s.baskets} · ticket médio ${brl(s.avgTicket)} · ${oneDecimal(s.itemsPerBasket)} itens por atendimento`,
    `Posição na rede: ${ordinal(s.rankNetwork)}` +
      (s.region ? ` · na região ${s.region}: ${ordinal(s.rankRegion)}` : ""),
  ].join("\n");
}

function rankingLines(sellers: readonly SellerSummary[]): string[] {
  if (sellers.length === 0) return ["Nenhuma venda da equipe ainda."];
  return sellers.map(
    (s, i) =>
      `${i + 1}. ${s.name ?? `vendedor ${s.sellerId}`} — ${brl(s.revenue)}` +
      (s.attainment !== null ? ` (${pct(s.attainment)} da meta)` : "") +
      (s.role === "gerente" ? "" : ` · comissão ${brl(s.commission)}`),
  );
}

export function team(sellers: readonly SellerSummary[], storeId: string, month: string): string {
  return [`👥 Equipe da loja ${storeId} em ${monthLabel(month)}`, ...rankingLines(sellers)].join("\n");
}

export interface DailyReportData {
  readonly storeId: string;
  readonly yesterday: {
    readonly date: string;
    readonly revenue: string;
    readonly baskets: number;
    readonly lines: number;
  };
  readonly month: string;
  readonly store: StoreSummary | undefined;
  readonly team: readonly SellerSummary[];
}

export function dailyReport(d: DailyReportData): string {
  const s = d.store;
  return [
    `☀️ Bom dia! Relatório da loja ${d.storeId}`,
    `Ontem (${dayLabel(d.yesterday.date)}): ${brl(d.yesterday.revenue)} em ${d.yesterday.baskets} atendimentos (${d.yesterday.lines} itens)`,
    s
      ? `Mês até agora (${monthLabel(d.month)}): ${brl(s.revenue)}` +
        (s.target !== null && s.attainment !== null
          ? ` de ${brl(s.target)} (${pct(s.attainment)} da meta)`
          : "") +
        ` · ${ordinal(s.rankNetwork)} na rede`
      : `Mês até agora (${monthLabel(d.month)}): nenhuma venda ainda`,
    "Ranking da equipe:",
    ...rankingLines(d.team),
  ].join("\n");
}
