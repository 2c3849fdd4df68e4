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
  periods: OverviewPeriod[];
}

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
  ctx.el.append(
    h("p", { class: "note" }, i18n.month(shown[shown.length - 1].start)),
    grid,
  );
  for (const card of cards) {
    // The latest value there is, and the one of the month before it.
    const at = card.series.findLastIndex((v) => v !== null);
    const last = at >= 0 ? card.series[at] : null;
    const before = at >= 1 ? card.series[at - 1] : null;
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
        h("p", { class: `change ${direction}` }, change),
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
    series: [{ type: "bar", name: i18n.t("overview.revenue"), data: periods.map((p) => p.net_revenue_minor) }],
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
}
