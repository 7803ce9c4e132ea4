// Charts of the dashboard with chart.js (vendored at /vendor/chart.umd.js, a global `Chart`).
// Bar lengths are floats (geometry); every label and tooltip shows the exact formatted text.

import { formatMoney, formatPercent } from "./format.js";
import { moneyOfCents } from "./live-state.js";

const BRAND = "#a3246a";
const MUTED = "#d9b8c9";
const TIER_125 = "#c2410c";
const TIER_150 = "#15803d";

const ChartJs = () => globalThis.Chart;

const baseOptions = () => ({
  responsive: true,
  maintainAspectRatio: false,
  animation: { duration: 400 },
  plugins: { legend: { display: false } },
});

/**
 * The network's stores: % of target (own store highlighted, lines at 100 % and 120 %), or month
 * revenue when no store has a target that month.
 */
export function createRankingChart(canvas) {
  const Chart = ChartJs();
  if (!Chart) return { update() {}, destroy() {} };
  let byRevenue = false;
  const chart = new Chart(canvas, {
    type: "bar",
    data: { labels: [], datasets: [{ data: [], backgroundColor: [], borderRadius: 4 }] },
    options: {
      ...baseOptions(),
      scales: {
        y: {
          beginAtZero: true,
          ticks: {
            callback: (v) => (byRevenue ? `R$ ${Number(v).toLocaleString("pt-BR")}` : `${v}%`),
          },
          grid: {
            color: (ctx) =>
              !byRevenue && (ctx.tick.value === 100 || ctx.tick.value === 120) ? "#2b1d2e66" : "#0000000f",
          },
        },
        x: { grid: { display: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const s = chart.$stores?.[ctx.dataIndex];
              return s ? `${formatPercent(s.attainment)} da meta · ${formatMoney(s.revenue)}` : "";
            },
          },
        },
      },
    },
  });
  return {
    /** @returns "attainment" or "revenue": what the bars show */
    update(stores, mine) {
      byRevenue = !stores.some((s) => s.attainment !== null && s.attainment !== undefined);
      chart.$stores = stores;
      chart.options.scales.y.suggestedMax = byRevenue ? undefined : 130;
      chart.data.labels = stores.map((s) => s.storeId);
      chart.data.datasets[0].data = stores.map((s) =>
        byRevenue ? Number(s.revenue) : s.attainment === null ? 0 : Number(s.attainment) * 100,
      );
      chart.data.datasets[0].backgroundColor = stores.map((s) => {
        if (s.storeId === mine) return BRAND;
        const a = Number(s.attainment);
        return a >= 1.2 ? TIER_150 : a >= 1 ? TIER_125 : MUTED;
      });
      chart.update();
      canvas.setAttribute(
        "aria-label",
        byRevenue ? "Faturamento do mês de cada loja" : "Porcentagem da meta de cada loja",
      );
      return byRevenue ? "revenue" : "attainment";
    },
    destroy: () => chart.destroy(),
  };
}

/** Live revenue per minute (last 30 minutes) from the feed. */
export function createMinutesChart(canvas) {
  const Chart = ChartJs();
  if (!Chart) return { update() {}, destroy() {} };
  const fmt = new Intl.DateTimeFormat("pt-BR", { hour: "2-digit", minute: "2-digit" });
  const chart = new Chart(canvas, {
    type: "bar",
    data: { labels: [], datasets: [{ data: [], backgroundColor: BRAND, borderRadius: 2 }] },
    options: {
      ...baseOptions(),
      scales: {
        y: {
          beginAtZero: true,
          ticks: { maxTicksLimit: 4, callback: (v) => `R$ ${Number(v).toLocaleString("pt-BR")}` },
        },
        x: { ticks: { maxTicksLimit: 6, autoSkip: true }, grid: { display: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: { label: (ctx) => formatMoney(chart.$series?.[ctx.dataIndex]?.money ?? "0.00") },
        },
      },
    },
  });
  return {
    update(series) {
      chart.$series = series.map((p) => ({ ...p, money: moneyOfCents(p.cents) }));
      chart.data.labels = series.map((p) => fmt.format(new Date(p.minute * 60_000)));
      chart.data.datasets[0].data = series.map((p) => Number(p.cents) / 100);
      chart.update("none");
    },
    destroy: () => chart.destroy(),
  };
}
