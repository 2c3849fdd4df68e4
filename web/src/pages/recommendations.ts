// How the recommendations did against the most popular products on purchases they did not see.
import { chartBox, h, panel } from "../dom";
import type { Key } from "../i18n";
import { heading, nothingYet, type PageContext } from "./index";

interface Scores { hit_rate: number; precision: number; recall: number; map: number; coverage: number }
interface Evaluation { split: string; k: number; customers: number; model: Scores; popular: Scores }

export async function recommendationsPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  const view = await ctx.source.view<Evaluation>("recommend.evaluation");
  heading(ctx, i18n.t("nav.recommendations"), view);
  if (!view) return nothingYet(ctx, i18n.t("recommend.none"));
  const e = view.body;
  const metrics = ["hit_rate", "precision", "recall", "map", "coverage"] as const;
  const box = chartBox();
  ctx.el.append(
    h("p", { class: "note" }, i18n.t("recommend.summary", { date: i18n.date(e.split), customers: e.customers, k: e.k })),
    panel(i18n.t("recommend.title"), box),
  );
  ctx.charts.draw(box, i18n.t("recommend.title"), {
    grid: { ...ctx.charts.grid(), top: 48 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", valueFormatter: (v: number) => i18n.percent(v) },
    xAxis: ctx.charts.categories(metrics.map((m) => i18n.t(`recommend.${m}` as Key))),
    yAxis: ctx.charts.values((v) => i18n.percent(v)),
    series: [
      { type: "bar", name: i18n.t("recommend.model"), data: metrics.map((m) => e.model[m]) },
      { type: "bar", name: i18n.t("recommend.popular"), data: metrics.map((m) => e.popular[m]) },
    ],
  });
}
