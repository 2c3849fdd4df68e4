// Segments: each with its size over time, and a rule editor that counts the customers a rule
// selects as it is typed and marks where a rule is wrong.
import { chartBox, h, panel, table } from "../dom";
import type { I18n, Key } from "../i18n";
import { heading, nothingYet, type PageContext } from "./index";

interface Field {
  name: string;
  type: "number" | "text" | "boolean";
  values?: string[];
}
interface Segments {
  segments: { name: string; rule: string; description: string; members: number; sizes: [string, number][] }[];
  fields?: Field[];
}
interface RuleError {
  column: number;
  message: string;
  code?: string | null;
  args?: Record<string, string>;
}
interface Preview {
  valid: boolean;
  count?: number;
  customers?: number;
  errors: RuleError[];
}

// What is wrong with a rule, in the reader's language: the server's error code with its values;
// the server's own (English) words only for the rare errors without a code, marked as English.
function ruleError(i18n: I18n, e: RuleError): (string | Node)[] {
  const args: Record<string, string> = { ...(e.args ?? {}) };
  const quoted = (v: string) => `«${v}»`;
  for (const k of ["name", "suggestion", "value", "char"]) if (args[k]) args[k] = quoted(args[k]);
  if ("found" in args) args.found = args.found ? quoted(args.found) : i18n.t("rule.found_end");
  for (const k of ["left", "right"]) if (args[k]) args[k] = i18n.t(`rule.type.${args[k]}` as Key);
  if (args.open) args.open = i18n.number(Number(args.open));
  let key = e.code ? `rule.error.${e.code}` : "";
  if (e.code === "unknown_name" && e.args?.suggestion) key = "rule.error.unknown_name_suggest";
  const lead = i18n.t("segments.invalid", { column: e.column, message: "" }).trim();
  if (key && i18n.has(key)) return [`${lead} ${i18n.t(key as Key, args)}`];
  return [`${lead} `, h("span", { lang: "en", class: "ltr" }, e.message)];
}

export async function segmentsPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  const view = await ctx.source.view<Segments>("segments");
  heading(ctx, i18n.t("nav.segments"), view);
  if (ctx.source.live) ctx.el.append(editor(ctx, view?.body.fields ?? []));
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

function editor(ctx: PageContext, fields: Field[]): HTMLElement {
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
        result.replaceChildren(...ruleError(i18n, e));
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
  // The names to pick from: a click puts one where the cursor is.
  const insert = (text: string) => {
    const at = input.selectionStart ?? input.value.length;
    const before = input.value.slice(0, at);
    const spaced = before && !/\s$/.test(before) ? ` ${text}` : text;
    input.value = before + spaced + input.value.slice(input.selectionEnd ?? at);
    input.focus();
    input.selectionStart = input.selectionEnd = at + spaced.length;
    input.dispatchEvent(new Event("input"));
  };
  const picker = fields.length === 0 ? "" : h("details", { class: "fields" },
    h("summary", {}, i18n.t("segments.fields")),
    h("ul", {}, fields.map((f) => h("li", {},
      h("button", { type: "button", class: "quiet", "aria-label": i18n.t("segments.insert", { name: f.name }) },
        h("code", { class: "rule" }, f.name)),
      " ", h("span", { class: "note" }, i18n.t(`rule.type.${f.type}` as Key)),
      f.values ? h("span", { class: "note" }, " · ", i18n.t("segments.values", { values: "" }), h("code", { class: "rule" }, f.values.join(", "))) : ""))));
  if (picker) {
    picker.querySelectorAll("button").forEach((b, k) => b.addEventListener("click", () => insert(fields[k].name)));
  }
  return h("section", { class: "panel editor" },
    h("h2", {}, h("label", { for: "rule" }, i18n.t("segments.editor"))),
    h("p", { id: "rule-help", class: "note" }, i18n.t("segments.editor_help"), " ",
      h("code", { class: "rule" }, EXAMPLE)),
    input, marker, result, picker);
}
