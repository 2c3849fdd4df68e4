// Segments: each with its size over time, and a rule editor that counts the customers a rule
// selects as it is typed and marks where a rule is wrong.
import { chartBox, h, panel, table } from "../dom";
import { heading, nothingYet, type PageContext } from "./index";

interface Segments {
  segments: { name: string; rule: string; description: string; members: number; sizes: [string, number][] }[];
}
interface Preview {
  valid: boolean;
  count?: number;
  customers?: number;
  errors: { column: number; message: string }[];
}

export async function segmentsPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  const view = await ctx.source.view<Segments>("segments");
  heading(ctx, i18n.t("nav.segments"), view);
  if (ctx.source.live) ctx.el.append(editor(ctx));
  const segments = view?.body.segments ?? [];
  if (segments.length === 0) return nothingYet(ctx, i18n.t("segments.none"));
  ctx.el.append(
    h("section", { class: "panel" },
      table(i18n.t("segments.list"), [
        { title: i18n.t("segments.name"), cell: (s: Segments["segments"][number]) => h("bdi", { class: "ltr" }, s.name) },
        { title: i18n.t("segments.members"), cell: (s) => i18n.number(s.members), numeric: true },
        { title: i18n.t("segments.rule"), cell: (s) => h("code", { class: "rule" }, s.rule) },
      ], segments)),
  );
  const sizes = chartBox();
  ctx.el.append(panel(i18n.t("segments.sizes"), sizes));
  const times = [...new Set(segments.flatMap((s) => s.sizes.map(([at]) => at)))].sort();
  ctx.charts.draw(sizes, i18n.t("segments.sizes"), {
    grid: { ...ctx.charts.grid(), top: 48 },
    legend: { top: 0, type: "scroll" },
    tooltip: { trigger: "axis", valueFormatter: (v: number) => i18n.number(v) },
    xAxis: ctx.charts.categories(times.map((t) => i18n.date(t))),
    yAxis: ctx.charts.values(),
    series: segments.map((s) => {
      const at = new Map(s.sizes);
      return { type: "line", name: s.name, data: times.map((t) => at.get(t) ?? null), connectNulls: true };
    }),
  });
}

const EXAMPLE = "orders >= 3 and last_order_days <= 90";

function editor(ctx: PageContext): HTMLElement {
  const { i18n } = ctx;
  const input = h("textarea", {
    id: "rule",
    spellcheck: "false",
    "aria-describedby": "rule-help rule-result",
    placeholder: EXAMPLE,
  });
  const marker = h("p", { class: "marker", "aria-hidden": "true" });
  const result = h("p", { id: "rule-result", role: "status", "aria-live": "polite" });
  let timer = 0;
  let asked = 0;
  const check = async () => {
    const rule = input.value.trim();
    const ticket = ++asked;
    marker.textContent = "";
    input.removeAttribute("aria-invalid");
    if (!rule) {
      result.textContent = "";
      return;
    }
    result.textContent = i18n.t("segments.counting");
    try {
      const p = await ctx.source.get<Preview>(`/segments/preview?rule=${encodeURIComponent(input.value)}`);
      if (ticket !== asked) return;
      if (p.valid) {
        result.textContent = i18n.t("segments.count", { count: p.count ?? 0, total: p.customers ?? 0 });
      } else {
        const e = p.errors[0];
        input.setAttribute("aria-invalid", "true");
        // A caret under the column where the rule goes wrong (the first line of the rule).
        marker.textContent = `${" ".repeat(Math.max(0, e.column - 1))}^`;
        result.textContent = i18n.t("segments.invalid", { column: e.column, message: e.message });
        result.classList.add("error");
        return;
      }
    } catch (err: unknown) {
      if (ticket === asked) result.textContent = err instanceof Error ? err.message : String(err);
    }
    result.classList.remove("error");
  };
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void check(), 300);
  });
  return h("section", { class: "panel editor" },
    h("h2", {}, h("label", { for: "rule" }, i18n.t("segments.editor"))),
    h("p", { id: "rule-help", class: "note" }, i18n.t("segments.editor_help"), " ",
      h("code", { class: "rule" }, EXAMPLE)),
    input, marker, result);
}
