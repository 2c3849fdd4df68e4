// Lifetime value: its distribution, the probability that a customer is still active by repeat
// purchases and recency, the most valuable customers, and how the models did on a holdout.
import { chartBox, h, panel, table } from "../dom";
import type { I18n, Key } from "../i18n";
import { heading, nothingYet, type PageContext } from "./index";

export interface CustomerRow {
  customer_id: string;
  name: string;
  country: string;
  orders: number;
  net_revenue_minor: number;
  score: number;
  churn_risk: number;
  stage: string;
  clv_minor: number | null;
  p_alive: number | null;
}
interface Clv {
  run: null | { model: string; calibration_end: string; unit: string; horizon: number; currency: string; exponent: number };
  customers: number;
  with_clv: number;
  total_clv_minor: number;
  histogram: { edges: number[]; counts: number[] };
  p_alive: { frequency_cells: number; recency_edges: number[]; cells: [number, number, number, number][] };
  top: CustomerRow[];
}
interface Validation {
  unit: string;
  points: number[];
  actual_cumulative: number[];
  actual_total: number;
  best: string | null;
  models: { model: string; converged: boolean; mae: number; rmse: number; predicted_total: number; cumulative: number[] }[];
}

export function unitName(i18n: I18n, unit: string): string {
  return ["day", "week", "month"].includes(unit) ? i18n.t(`clv.${unit}` as Key) : unit;
}

export function customerLink(row: { customer_id: string; name: string }): HTMLAnchorElement {
  return h("a", { href: `#/customer/${encodeURIComponent(row.customer_id)}` }, row.name || row.customer_id);
}

export async function clvPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  const [view, validation] = await Promise.all([
    ctx.source.view<Clv>("clv"),
    ctx.source.view<Validation>("clv.validation"),
  ]);
  heading(ctx, i18n.t("nav.clv"), view);
  const run = view?.body.run;
  if (!view || !run) nothingYet(ctx, i18n.t("clv.no_run"));
  if (view && run) {
    const c = view.body;
    const money = (v: number | null, compact = false) => i18n.money(v, run.currency, run.exponent, compact);
    const unit = unitName(i18n, run.unit);
    ctx.el.append(
      h("p", { class: "note" }, i18n.t("clv.run", { model: modelName(run.model), date: i18n.date(run.calibration_end), horizon: run.horizon, unit })),
      h("div", { class: "cards" },
        h("section", { class: "card" }, h("h2", {}, i18n.t("clv.total")), h("p", { class: "value" }, money(c.total_clv_minor))),
        h("section", { class: "card" }, h("h2", {}, i18n.t("clv.customers")), h("p", { class: "value" }, i18n.number(c.with_clv)))),
    );
    const histogram = chartBox(true);
    const grid = chartBox(true);
    ctx.el.append(h("div", { class: "grid-2" }, panel(i18n.t("clv.distribution"), histogram), panel(i18n.t("clv.palive"), grid)));
    const edges = c.histogram.edges;
    const bins = c.histogram.counts.map((_, i) => `${money(edges[i], true)}–${money(edges[i + 1], true)}`);
    ctx.charts.draw(histogram, i18n.t("clv.distribution"), {
      grid: ctx.charts.grid(),
      tooltip: { trigger: "axis", valueFormatter: (v: number) => i18n.number(v) },
      xAxis: ctx.charts.categories(bins, i18n.t("clv.value")),
      yAxis: ctx.charts.values(),
      series: [{ type: "bar", name: i18n.t("clv.customers"), data: c.histogram.counts, barCategoryGap: "5%" }],
    });
    const recency = c.p_alive.recency_edges.slice(0, -1).map((e, i) => `${i18n.number(e)}–${i18n.number(c.p_alive.recency_edges[i + 1])}`);
    const frequency = Array.from({ length: c.p_alive.frequency_cells }, (_, i) =>
      i === c.p_alive.frequency_cells - 1 ? `${i18n.number(i)}+` : i18n.number(i));
    ctx.charts.draw(grid, i18n.t("clv.palive"), {
      grid: { ...ctx.charts.grid(), bottom: 70 },
      tooltip: {
        trigger: "item",
        formatter: (p: { value: number[] }) =>
          `${frequency[p.value[0]]} · ${recency[p.value[1]]}: ${i18n.percent(p.value[2])} (${i18n.number(p.value[3])})`,
      },
      xAxis: ctx.charts.categories(frequency, i18n.t("clv.frequency")),
      yAxis: { type: "category", data: recency, name: i18n.t("clv.recency", { unit }), position: i18n.dir === "rtl" ? "right" : "left" },
      visualMap: {
        min: 0, max: 1, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: ["#c23b4f", "#f7e3b5", "#2f8f5b"] },
        formatter: (v: number) => i18n.percent(v),
      },
      series: [{ type: "heatmap", data: c.p_alive.cells }],
    });
    ctx.el.append(
      h("section", { class: "panel" },
        table<CustomerRow>(i18n.t("clv.top"), [
          { title: i18n.t("customers.id"), cell: customerLink },
          { title: i18n.t("customers.country"), cell: (r) => r.country },
          { title: i18n.t("customers.orders"), cell: (r) => i18n.number(r.orders), numeric: true },
          { title: i18n.t("customers.p_alive"), cell: (r) => i18n.percent(r.p_alive), numeric: true },
          { title: i18n.t("customers.clv"), cell: (r) => money(r.clv_minor), numeric: true },
        ], c.top)),
    );
  }
  if (!validation) {
    ctx.el.append(panel(i18n.t("clv.models"), h("p", { class: "note" }, i18n.t("clv.no_validation"))));
    return;
  }
  const v = validation.body;
  const tracking = chartBox();
  ctx.el.append(
    h("section", { class: "panel" },
      table(i18n.t("clv.models"), [
        { title: i18n.t("clv.model"), cell: (m: Validation["models"][number]) => (m.model === v.best ? `${modelName(m.model)} (${i18n.t("clv.best")})` : modelName(m.model)) },
        { title: i18n.t("clv.mae"), cell: (m) => i18n.number(m.mae, 3), numeric: true },
        { title: i18n.t("clv.rmse"), cell: (m) => i18n.number(m.rmse, 3), numeric: true },
        { title: i18n.t("clv.predicted"), cell: (m) => i18n.number(m.predicted_total, 0), numeric: true },
      ], v.models)),
    panel(i18n.t("clv.tracking"), tracking),
  );
  const unit = unitName(i18n, v.unit);
  ctx.charts.draw(tracking, i18n.t("clv.tracking"), {
    grid: { ...ctx.charts.grid(), top: 48 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", valueFormatter: (x: number) => i18n.number(x, 0) },
    xAxis: ctx.charts.categories(v.points.map((p) => i18n.number(p)), unit),
    yAxis: ctx.charts.values(),
    series: [
      { type: "line", name: i18n.t("clv.actual"), data: v.actual_cumulative, lineStyle: { width: 3 }, symbol: "none" },
      ...v.models.filter((m) => m.converged).map((m) => ({ type: "line", name: modelName(m.model), data: m.cumulative, symbol: "none", lineStyle: { type: "dashed" } })),
    ],
  });
}

// The models by the names the literature gives them (the same in every language).
const MODEL_NAMES: Record<string, string> = {
  bgnbd: "BG/NBD",
  mbgnbd: "MBG/NBD",
  "pareto-nbd": "Pareto/NBD",
  bgbb: "BG/BB",
  "gamma-gamma": "Gamma-Gamma",
};
export function modelName(id: string): string {
  return MODEL_NAMES[id] ?? id;
}
