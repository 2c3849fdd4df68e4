// Overview: the headline figures of the last whole month, each with its change on the month
// before and its trend, then revenue and active customers per month.
import { chartBox, h } from "../dom";
import type { Key } from "../i18n";
import { heading, nothingYet, type PageContext } from "./index";

export interface OverviewPeriod {
  start: string;
  label: string;
  partial: boolean;
  active: number;
  new_customers: number;
  returning: number;
  retention: number | null;
  churn: number | null;
  orders: number;
  net_revenue_minor: number;
  aov_minor: number | null;
  nps: number | null;
  clv_to_cac: number | null;
}
export interface Overview {
  currency: string;
  exponent: number;
  customers: number;
  last_activity?: string | null;
  // Revenue by customer over all the data, largest first: curve[k] is the share of the top 5k%.
  concentration?: {
    buyers: number;
    top1_share: number | null;
    top10_share: number | null;
    top20_share: number | null;
    curve: number[];
  };
  periods: OverviewPeriod[];
}

// Data that end more than a month before today describe that time: the page says so.
const kStaleMs = 31 * 86_400_000;

interface Card {
  key: Key;
  series: (number | null)[];
  show: (v: number | null) => string;
  // How a change is told: relative (percent, the default), in percentage points (shares) or in
  // points (NPS).
  change?: "pp" | "points";
  lowerIsBetter?: boolean;
}

export async function overviewPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  const view = await ctx.source.view<Overview>("overview", i18n.calendar);
  heading(ctx, i18n.t("nav.overview"), view);
  if (!view || view.body.periods.length === 0) return nothingYet(ctx);
  const o = view.body;
  const periods = o.periods;
  // The figures of the last whole month (the current one is still filling).
  const whole = periods.filter((p) => !p.partial);
  const shown = whole.length > 0 ? whole : periods;
  const money = (v: number | null) => i18n.money(v, o.currency, o.exponent);
  let running = o.customers - periods.reduce((n, p) => n + p.new_customers, 0);
  const customers = shown.map((p) => (running += p.new_customers));
  const cards: Card[] = [
    { key: "overview.customers", series: customers, show: (v) => i18n.number(v ?? 0) },
    { key: "overview.active", series: shown.map((p) => p.active), show: (v) => i18n.number(v ?? 0) },
    { key: "overview.retention", series: shown.map((p) => p.retention), show: (v) => i18n.percent(v), change: "pp" },
    { key: "overview.churn", series: shown.map((p) => p.churn), show: (v) => i18n.percent(v), change: "pp", lowerIsBetter: true },
    { key: "overview.aov", series: shown.map((p) => p.aov_minor), show: money },
    { key: "overview.revenue", series: shown.map((p) => p.net_revenue_minor), show: money },
    { key: "overview.nps", series: shown.map((p) => p.nps), show: (v) => (v === null ? "–" : i18n.number(v)), change: "points" },
    { key: "overview.clv_cac", series: shown.map((p) => p.clv_to_cac), show: (v) => (v === null ? "–" : `${i18n.number(v, 2)}×`) },
  ];
  const labels = shown.map((p) => i18n.month(p.start));
  const grid = h("div", { class: "cards" });
  if (o.last_activity && Date.now() - Date.parse(o.last_activity) > kStaleMs) {
    ctx.el.append(h("p", { class: "notice", role: "note" }, i18n.t("data_until", { date: i18n.date(o.last_activity) })));
  }
  ctx.el.append(
    h("p", { class: "note" }, i18n.month(shown[shown.length - 1].start)),
    grid,
  );
  for (const card of cards) {
    // The value of the month in the heading, and of the month before it: never an older
    // month's figure under this month's name (it is named when it is the only one there is).
    const at = card.series.length - 1;
    const last = card.series[at];
    const before = at >= 1 ? card.series[at - 1] : null;
    const older = last === null ? card.series.findLastIndex((v) => v !== null) : -1;
    let change = i18n.t("no_change");
    let direction = "";
    if (last !== null && before !== null) {
      const delta = card.change ? last - before : before === 0 ? null : (last - before) / Math.abs(before);
      if (delta !== null) {
        change = i18n.t("vs_previous", {
          change:
            card.change === "pp"
              ? i18n.t("pp", { change: i18n.signed(delta * 100) })
              : card.change === "points"
                ? i18n.t("points_change", { change: i18n.signed(delta) })
                : i18n.signedPercent(delta),
        });
        const better = card.lowerIsBetter ? delta < 0 : delta > 0;
        direction = delta === 0 ? "" : better ? "up" : "down";
      }
    }
    const spark = h("div", { class: "spark" });
    grid.append(
      h(
        "section",
        { class: "card" },
        h("h2", {}, i18n.t(card.key)),
        h("p", { class: "value" }, card.show(last)),
        h("p", { class: `change ${direction}` },
          older >= 0 ? i18n.t("overview.latest_other", { month: labels[older], value: card.show(card.series[older]) }) : change),
        spark,
      ),
    );
    ctx.charts.draw(spark, `${i18n.t(card.key)}: ${labels.join(", ")}`, {
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      tooltip: { show: false },
      xAxis: { ...ctx.charts.categories(labels), show: false },
      yAxis: { type: "value", show: false, scale: true },
      series: [{ type: "line", data: card.series, symbol: "none", lineStyle: { width: 2 }, areaStyle: { opacity: 0.12 } }],
    });
  }
  const all = periods.map((p) => i18n.month(p.start) + (p.partial ? ` ${i18n.t("partial")}` : ""));
  const revenue = chartBox();
  const active = chartBox();
  ctx.el.append(
    h("div", { class: "grid-2" },
      h("section", { class: "panel" }, h("h2", {}, i18n.t("overview.revenue_chart")), revenue),
      h("section", { class: "panel" }, h("h2", {}, i18n.t("overview.active_chart")), active)),
  );
  ctx.charts.draw(revenue, i18n.t("overview.revenue_chart"), {
    grid: ctx.charts.grid(),
    tooltip: { trigger: "axis", valueFormatter: (v: number) => money(v) },
    xAxis: ctx.charts.categories(all),
    yAxis: ctx.charts.values((v) => i18n.money(v, o.currency, o.exponent, true)),
    // The month still filling is drawn faint, and its label says so: not a fall.
    series: [{
      type: "bar",
      name: i18n.t("overview.revenue"),
      data: periods.map((p) => (p.partial ? { value: p.net_revenue_minor, itemStyle: { opacity: 0.4 } } : p.net_revenue_minor)),
    }],
  });
  ctx.charts.draw(active, i18n.t("overview.active_chart"), {
    grid: ctx.charts.grid(),
    legend: { top: 0 },
    tooltip: { trigger: "axis", valueFormatter: (v: number) => i18n.number(v) },
    xAxis: ctx.charts.categories(all),
    yAxis: ctx.charts.values(),
    series: [
      { type: "bar", stack: "a", name: i18n.t("overview.new"), data: periods.map((p) => p.new_customers) },
      { type: "bar", stack: "a", name: i18n.t("overview.returning"), data: periods.map((p) => p.returning) },
    ],
  });
  concentrationPanel(ctx, o);
}

// The Pareto view: how much of all revenue the largest customers hold.
function concentrationPanel(ctx: PageContext, o: Overview): void {
  const c = o.concentration;
  const { i18n } = ctx;
  if (!c || c.curve.length === 0 || c.top20_share === null) return;
  const box = chartBox();
  ctx.el.append(
    h("section", { class: "panel" },
      h("h2", {}, i18n.t("overview.concentration")),
      h("p", { class: "note" }, i18n.t("overview.concentration_note", {
        buyers: i18n.number(c.buyers),
        share: i18n.percent(c.top20_share),
        top1: i18n.percent(c.top1_share),
        top10: i18n.percent(c.top10_share),
      })),
      box),
  );
  const steps = c.curve.map((_, k) => i18n.percent(k / 20));
  ctx.charts.draw(box, i18n.t("overview.concentration"), {
    grid: ctx.charts.grid(),
    tooltip: { trigger: "axis", valueFormatter: (v: number) => i18n.percent(v) },
    xAxis: ctx.charts.categories(steps, i18n.t("overview.share_of_buyers")),
    yAxis: { ...ctx.charts.values((v) => i18n.percent(v)), max: 1 },
    series: [{ type: "line", name: i18n.t("overview.share_of_revenue"), data: c.curve, areaStyle: { opacity: 0.15 } }],
  });
}
