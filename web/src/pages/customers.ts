// Customers: a table sorted and paged on the server (it stays fast with a million customers),
// and one customer's 360 view: profile, identities, the timeline across channels, points and
// tier, the loyalty score with its components, segments and recommended products.
import type { Overview } from "./overview";
import { HttpError } from "../data";
import { h, panel, table, type Column } from "../dom";
import type { Key } from "../i18n";
import { customerLink, modelName, type CustomerRow } from "./clv";
import { heading, type PageContext } from "./index";

interface ScorePart {
  value: number;
  points: number;
}
type Sort = "net_revenue" | "orders" | "score" | "churn_risk" | "clv";
interface Page {
  items: CustomerRow[];
  next_cursor: string | null;
}

// The analytics currency, from the overview view.
async function currencyOf(ctx: PageContext): Promise<{ currency: string; exponent: number }> {
  const overview = await ctx.source.view<Overview>("overview", ctx.i18n.calendar);
  return overview ? overview.body : { currency: "USD", exponent: 2 };
}

export async function customersPage(ctx: PageContext): Promise<void> {
  const { i18n } = ctx;
  heading(ctx, i18n.t("customers.title"));
  const { currency, exponent } = await currencyOf(ctx);
  const params = new URLSearchParams(ctx.arg);
  let sort = (params.get("sort") as Sort | null) ?? "net_revenue";
  let descending = params.get("order") !== "asc";
  const cursors: string[] = [""]; // cursors[i]: where page i starts
  let page = 0;
  const box = h("section", { class: "panel" });
  ctx.el.append(box);

  const sortButton = (key: Sort, title: string): Omit<Column<CustomerRow>, "cell"> => ({
    title,
    numeric: true,
    sort: sort === key ? (descending ? "descending" : "ascending") : undefined,
    head: h("button", {
      type: "button",
      "aria-label": i18n.t("customers.sort", { column: title }),
      onclick: () => {
        descending = sort === key ? !descending : true;
        sort = key;
        cursors.length = 1;
        page = 0;
        void load(true);
      },
    }, title),
  });

  const load = async (focusSort = false) => {
    const q = new URLSearchParams({ sort, order: descending ? "desc" : "asc", limit: "25" });
    if (cursors[page]) q.set("cursor", cursors[page]);
    const result = await ctx.source.get<Page>(`/dashboard/customers?${q.toString()}`);
    if (result.next_cursor) cursors[page + 1] = result.next_cursor;
    const money = (v: number | null) => i18n.money(v, currency, exponent);
    const columns: Column<CustomerRow>[] = [
      { title: i18n.t("customers.id"), cell: customerLink },
      { title: i18n.t("customers.country"), cell: (r) => i18n.country(r.country) },
      { title: i18n.t("customers.stage"), cell: (r) => (r.stage ? i18n.t(`stage.${r.stage}` as Key) : "") },
      { ...sortButton("orders", i18n.t("customers.orders")), cell: (r) => i18n.number(r.orders) },
      { ...sortButton("net_revenue", i18n.t("customers.net_revenue")), cell: (r) => money(r.net_revenue_minor) },
      { ...sortButton("score", i18n.t("customers.score")), cell: (r) => i18n.number(r.score) },
      { ...sortButton("churn_risk", i18n.t("customers.churn_risk")), cell: (r) => i18n.percent(r.churn_risk) },
      { ...sortButton("clv", i18n.t("customers.clv")), cell: (r) => money(r.clv_minor) },
    ];
    box.replaceChildren(
      table(`${i18n.t("customers.title")} · ${i18n.t("customers.page", { page: page + 1 })}`, columns, result.items),
      h("div", { class: "pager" },
        h("button", { type: "button", class: "quiet", disabled: page === 0, onclick: () => { page = 0; void load(); } }, i18n.t("customers.first")),
        h("button", { type: "button", disabled: !result.next_cursor, onclick: () => { page += 1; void load(); } }, i18n.t("customers.next"))),
    );
    if (focusSort) box.querySelector<HTMLButtonElement>("th[aria-sort] button")?.focus();
  };
  await load();
}

interface Customer {
  id: string;
  name: string;
  created_at: string;
  locale: string;
  country: string;
  identities: { kind: string; value: string; system?: string }[];
}
interface Insights {
  metrics?: {
    orders: number;
    net_revenue_minor: number;
    stage: string;
    score: number;
    // Each part of the score: its value (0..1) and the points it adds (of 100).
    score_components: Record<string, ScorePart>;
    churn_risk: number;
    as_of: string;
  };
  clv?: { clv_minor: number | null; p_alive: number; currency: string; model: string; calibration_end: string };
  segments: string[];
  recommendations: { sku: string; name?: string; score: number; because: string }[];
}
interface Timeline {
  total: number;
  items: { kind: string; id: string; at: string; channel: string; type: string; amount_minor?: number; currency?: string }[];
}
interface Points { available: number; pending: number; tier: { name: string } | null }

// The customer, or null when there is none with that id (404).
async function customerOrNone(source: PageContext["source"], id: string): Promise<Customer | null> {
  try {
    return await source.get<Customer>(`/customers/${id}`);
  } catch (e: unknown) {
    if (e instanceof HttpError && e.status === 404) return null;
    throw e;
  }
}

export async function customerPage(ctx: PageContext): Promise<void> {
  const { i18n, source } = ctx;
  const id = encodeURIComponent(ctx.arg);
  const customer = await customerOrNone(source, id);
  heading(ctx, i18n.t("customer.title", { id: ctx.arg }));
  ctx.el.append(h("p", {}, h("a", { href: "#/customers" }, i18n.t("customer.back"))));
  if (!customer) {
    ctx.el.append(h("p", { role: "alert" }, i18n.t("customer.not_found", { id: ctx.arg })));
    return;
  }
  const [insights, timeline, points, money] = await Promise.all([
    source.get<Insights>(`/customers/${id}/insights`),
    source.get<Timeline>(`/customers/${id}/timeline?limit=50`),
    source.loyaltyClub ? source.get<Points>(`/customers/${id}/points`) : Promise.resolve(null),
    currencyOf(ctx),
  ]);
  const m = insights.metrics;
  const amount = (minor: number | null | undefined, currency = money.currency) =>
    i18n.money(minor ?? null, currency, currency === money.currency ? money.exponent : 2);
  const facts = (rows: [string, string | Node][]) =>
    h("dl", { class: "facts" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  ctx.el.append(
    h("div", { class: "grid-2" },
      panel(i18n.t("customer.profile"), facts([
        [i18n.t("customers.name"), customer.name || "–"],
        [i18n.t("customer.country"), i18n.country(customer.country)],
        [i18n.t("customer.locale"), i18n.language(customer.locale)],
        [i18n.t("customer.since"), i18n.date(customer.created_at)],
        [i18n.t("customers.stage"), m?.stage ? i18n.t(`stage.${m.stage}` as Key) : "–"],
        [i18n.t("customers.orders"), i18n.number(m?.orders ?? 0)],
        [i18n.t("customers.net_revenue"), amount(m?.net_revenue_minor ?? 0)],
        [i18n.t("customers.clv"), insights.clv ? amount(insights.clv.clv_minor) : "–"],
        [i18n.t("customers.p_alive"), insights.clv ? i18n.percent(insights.clv.p_alive) : "–"],
      ]), sourcesPanel(i18n, m ?? null, insights.clv ?? null)),
      panel(i18n.t("customer.identities"), customer.identities.length === 0
        ? h("p", {}, i18n.t("customer.none"))
        : h("ul", {}, customer.identities.map((x) => h("li", {}, `${i18n.word("identity", x.kind)}: `, h("span", { class: "ltr" }, x.system ? `${x.system}:${x.value}` : x.value)))))),
    h("div", { class: "grid-2" },
      panel(i18n.t("customer.score"),
        h("p", { class: "value" }, m ? i18n.number(m.score) : "–"),
        m ? table(i18n.t("customer.components"), [
          { title: i18n.t("customer.component"), cell: ([k]: [string, ScorePart]) => i18n.t(`component.${k}` as Key) },
          { title: i18n.t("customer.component_value"), cell: ([, v]) => i18n.percent(v.value), numeric: true },
          { title: i18n.t("customer.component_points"), cell: ([, v]) => i18n.number(v.points), numeric: true },
        ], Object.entries(m.score_components)) : null),
      panel(i18n.t("customer.points"), points
        ? facts([
            [i18n.t("customer.available"), i18n.number(points.available)],
            [i18n.t("customer.pending"), i18n.number(points.pending)],
            [i18n.t("customer.tier"), points.tier?.name ?? i18n.t("customer.no_tier")],
          ])
        : h("p", { class: "note" }, i18n.t("customer.none")))),
    h("div", { class: "grid-2" },
      panel(i18n.t("customer.segments"), insights.segments.length === 0
        ? h("p", {}, i18n.t("customer.none"))
        : h("ul", {}, insights.segments.map((s) => h("li", {}, s)))),
      panel(i18n.t("customer.recommendations"), insights.recommendations.length === 0
        ? h("p", {}, i18n.t("customer.none"))
        : h("ol", {}, insights.recommendations.map((r) => h("li", {}, r.name ? `${r.name} ` : "", h("span", { class: "ltr note" }, r.sku)))))),
    panel(i18n.t("customer.timeline"), timeline.items.length === 0
      ? h("p", {}, i18n.t("customer.no_events"))
      : h("ol", { class: "timeline" }, timeline.items.map((item) =>
          h("li", {},
            h("time", { datetime: item.at }, i18n.dateTime(item.at)),
            h("span", {}, `${i18n.word("event", item.type)} · ${i18n.word("channel", item.channel)}`),
            item.kind === "order" ? ` · ${amount(item.amount_minor, item.currency)}` : "")))),
  );
}

// Where each figure comes from and for which time: the stage and churn risk from the purchase
// cycle at the refresh's as-of, the CLV and probability alive from a model fitted up to its
// calibration end. When those times differ the figures can disagree, and the page says so.
function sourcesPanel(
  i18n: PageContext["i18n"],
  m: { as_of: string } | null,
  clv: { model: string; calibration_end: string } | null,
): HTMLElement | null {
  if (!m && !clv) return null;
  const lines: string[] = [];
  if (m) lines.push(i18n.t("customer.source_stage", { date: i18n.date(m.as_of) }));
  if (clv) lines.push(i18n.t("customer.source_clv", { model: modelName(clv.model), date: i18n.date(clv.calibration_end) }));
  const apart = m && clv ? Math.abs(Date.parse(m.as_of) - Date.parse(clv.calibration_end)) > 31 * 86_400_000 : false;
  return h("div", { class: "sources" },
    ...lines.map((line) => h("p", { class: "note" }, line)),
    apart ? h("p", { class: "notice", role: "note" }, i18n.t("customer.stale_clv")) : "");
}
