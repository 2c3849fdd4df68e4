// The loyalty club: points issued, redeemed and expired, what is owed to members, the tier mix
// and the rewards on offer.
import { chartBox, h, panel, table } from "../dom";
import type { Key } from "../i18n";
import { heading, nothingYet, type PageContext } from "./index";

interface Loyalty {
  totals: { issued: number; redeemed: number; expired: number; outstanding: number };
  months: { start: string; label: string; partial: boolean; issued: number; redeemed: number; expired: number }[];
  tiers: Record<string, number>;
  customers: number;
  rewards: { code: string; name: string; cost: number; stock: number | null; active: boolean }[];
}

export async function loyaltyPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  const view = await ctx.source.view<Loyalty>("loyalty", i18n.calendar);
  heading(ctx, i18n.t("nav.loyalty"), view);
  if (!view) return nothingYet(ctx);
  const l = view.body;
  const totals: [Key, number][] = [
    ["loyalty.issued", l.totals.issued],
    ["loyalty.redeemed", l.totals.redeemed],
    ["loyalty.expired", l.totals.expired],
    ["loyalty.outstanding", l.totals.outstanding],
  ];
  ctx.el.append(h("div", { class: "cards" }, totals.map(([key, n]) =>
    h("section", { class: "card" }, h("h2", {}, i18n.t(key)), h("p", { class: "value" }, i18n.number(n))))));
  if (l.months.length === 0) nothingYet(ctx, i18n.t("loyalty.none"));
  const months = chartBox();
  const tiers = chartBox(true);
  const tiered = Object.values(l.tiers).reduce((a, b) => a + b, 0);
  const mix = [...Object.entries(l.tiers), [i18n.t("loyalty.no_tier"), l.customers - tiered] as [string, number]];
  ctx.el.append(h("div", { class: "grid-2" }, panel(i18n.t("loyalty.per_month"), months), panel(i18n.t("loyalty.tiers"), tiers)));
  ctx.charts.draw(months, i18n.t("loyalty.per_month"), {
    grid: { ...ctx.charts.grid(), top: 48 },
    legend: { top: 0 },
    tooltip: { trigger: "axis", valueFormatter: (v: number) => i18n.number(v) },
    xAxis: ctx.charts.categories(l.months.map((m) => i18n.month(m.start))),
    yAxis: ctx.charts.values(),
    series: (["issued", "redeemed", "expired"] as const).map((k) => ({
      type: "bar", name: i18n.t(`loyalty.${k}`), data: l.months.map((m) => m[k]),
    })),
  });
  ctx.charts.draw(tiers, i18n.t("loyalty.tiers"), {
    tooltip: { trigger: "item", valueFormatter: (v: number) => i18n.number(v) },
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: mix.map(([name, value]) => ({ name, value })) }],
  });
  if (l.rewards.length > 0) {
    ctx.el.append(h("section", { class: "panel" }, table(i18n.t("loyalty.rewards"), [
      { title: i18n.t("loyalty.reward"), cell: (r: Loyalty["rewards"][number]) => r.name || r.code },
      { title: i18n.t("loyalty.cost"), cell: (r) => i18n.number(r.cost), numeric: true },
      { title: i18n.t("loyalty.stock"), cell: (r) => (r.stock === null ? i18n.t("loyalty.unlimited") : i18n.number(r.stock)), numeric: true },
      { title: i18n.t("loyalty.status"), cell: (r) => i18n.t(r.active ? "loyalty.on" : "loyalty.off") },
    ], l.rewards)));
  }
}
