// Cohorts: for each month's new customers, the share who bought in each month since (a heatmap).
import { chartBox, h } from "../dom";
import { heading, nothingYet, type PageContext } from "./index";

interface Cohorts {
  cohorts: { start: string; label: string; customers: number; retention: number[] }[];
}

export async function cohortsPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  const view = await ctx.source.view<Cohorts>("cohorts", i18n.calendar);
  heading(ctx, i18n.t("nav.cohorts"), view);
  const rows = view?.body.cohorts.filter((c) => c.customers > 0) ?? [];
  if (rows.length === 0) return nothingYet(ctx);
  const width = Math.max(...rows.map((c) => c.retention.length));
  const cells: [number, number, number][] = [];
  rows.forEach((c, y) => c.retention.forEach((share, x) => cells.push([x, y, Math.round(share * 1000) / 10])));
  const box = chartBox();
  box.style.height = `${Math.max(22, rows.length * 1.6 + 6)}rem`;
  const names = rows.map((c) => `${i18n.month(c.start)} (${i18n.number(c.customers)})`);
  ctx.el.append(
    h("section", { class: "panel" },
      h("h2", {}, i18n.t("cohorts.title")),
      h("p", { class: "note" }, `${i18n.t("cohorts.cohort")} (${i18n.t("cohorts.customers")}) × ${i18n.t("cohorts.months_since")}`),
      box),
  );
  ctx.charts.draw(box, i18n.t("cohorts.title"), {
    grid: { ...ctx.charts.grid(), top: 16, bottom: 70 },
    tooltip: {
      trigger: "item",
      formatter: (p: { value: [number, number, number] }) =>
        `${names[p.value[1]]} · ${i18n.number(p.value[0])}: ${i18n.percent(p.value[2] / 100)}`,
    },
    xAxis: {
      ...ctx.charts.categories(Array.from({ length: width }, (_, i) => i18n.number(i)), i18n.t("cohorts.months_since")),
      splitArea: { show: true },
    },
    yAxis: {
      type: "category",
      data: names,
      inverse: true,
      position: i18n.dir === "rtl" ? "right" : "left",
    },
    visualMap: {
      min: 0,
      max: 100,
      calculable: false,
      orient: "horizontal",
      left: "center",
      bottom: 0,
      inRange: { color: ["#f3f5f9", "#0b57a4"] },
      formatter: (v: number) => i18n.percent(v / 100),
    },
    series: [
      {
        type: "heatmap",
        data: cells,
        label: { show: width <= 14, formatter: (p: { value: number[] }) => i18n.number(Math.round(p.value[2])) },
      },
    ],
  });
}
