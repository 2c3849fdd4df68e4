// The advocacy pyramid: customers at each level per quarter, and the moves between levels.
import { chartBox, h, panel, table } from "../dom";
import type { Key } from "../i18n";
import { heading, nothingYet, type PageContext } from "./index";

interface Pyramid {
  levels: string[];
  periods: {
    start: string;
    label: string;
    partial: boolean;
    counts: Record<string, number>;
    flows: number[][] | null;
    summary: { joined: number; up: number; down: number; left: number } | null;
  }[];
}

export async function pyramidPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  const view = await ctx.source.view<Pyramid>("pyramid", i18n.calendar);
  heading(ctx, i18n.t("nav.pyramid"), view);
  const periods = view?.body.periods ?? [];
  if (!view || periods.length === 0) return nothingYet(ctx);
  const levels = view.body.levels;
  const name = (level: string) => i18n.t(`level.${level}` as Key);
  const box = chartBox();
  ctx.el.append(panel(i18n.t("pyramid.title"), box));
  ctx.charts.draw(box, i18n.t("pyramid.title"), {
    grid: { ...ctx.charts.grid(), top: 48 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", valueFormatter: (v: number) => i18n.number(v) },
    xAxis: ctx.charts.categories(periods.map((p) => i18n.quarter(p.start, p.label))),
    yAxis: ctx.charts.values(),
    series: levels.filter((l) => l !== "none").map((l) => ({
      type: "bar", stack: "levels", name: name(l), data: periods.map((p) => p.counts[l]),
    })),
  });
  const last = periods[periods.length - 1];
  if (!last.summary || !last.flows) return;
  const s = last.summary;
  ctx.el.append(
    h("div", { class: "cards" },
      ([["pyramid.joined", s.joined], ["pyramid.up", s.up], ["pyramid.down", s.down], ["pyramid.left", s.left]] as [Key, number][]).map(
        ([key, n]) => h("section", { class: "card" }, h("h2", {}, i18n.t(key)), h("p", { class: "value" }, i18n.number(n))))),
    h("section", { class: "panel" },
      table(`${i18n.t("pyramid.flows")} · ${i18n.quarter(last.start, last.label)}`, [
        { title: `${i18n.t("pyramid.from")} \\ ${i18n.t("pyramid.to")}`, cell: (i: number) => h("strong", {}, name(levels[i])) },
        ...levels.map((to, j) => ({ title: name(to), cell: (i: number) => i18n.number(last.flows![i][j]), numeric: true })),
      ], levels.map((_, i) => i))),
  );
}
