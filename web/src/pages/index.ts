// The pages, in the order of the navigation. A page draws itself into `el` from its views.
import type { Charts } from "../charts";
import type { Source, ViewDoc } from "../data";
import { h } from "../dom";
import type { I18n } from "../i18n";
import { clvPage } from "./clv";
import { cohortsPage } from "./cohorts";
import { customerPage, customersPage } from "./customers";
import { loyaltyPage } from "./loyalty";
import { overviewPage } from "./overview";
import { pyramidPage } from "./pyramid";
import { recommendationsPage } from "./recommendations";
import { segmentsPage } from "./segments";

export interface PageContext {
  el: HTMLElement;
  i18n: I18n;
  source: Source;
  charts: Charts;
  arg: string;
}

export type PageName =
  | "overview"
  | "cohorts"
  | "clv"
  | "segments"
  | "customers"
  | "customer"
  | "pyramid"
  | "loyalty"
  | "recommendations";

export interface Page {
  name: PageName;
  render: (ctx: PageContext) => Promise<void>;
  liveOnly?: boolean; // needs the server (not in the report)
  hidden?: boolean; // reached from another page, not from the navigation
}

export const PAGES: Page[] = [
  { name: "overview", render: overviewPage },
  { name: "cohorts", render: cohortsPage },
  { name: "clv", render: clvPage },
  { name: "segments", render: segmentsPage },
  { name: "customers", render: customersPage, liveOnly: true },
  { name: "pyramid", render: pyramidPage },
  { name: "loyalty", render: loyaltyPage },
  { name: "recommendations", render: recommendationsPage },
  { name: "customer", render: customerPage, liveOnly: true, hidden: true },
];

// The page's heading and the time its figures describe.
export function heading(ctx: PageContext, title: string, view?: ViewDoc<unknown> | null): void {
  ctx.el.append(h("h1", { tabindex: "-1" }, title));
  if (view) ctx.el.append(h("p", { class: "note" }, ctx.i18n.t("as_of", { date: ctx.i18n.date(view.as_of) })));
}

// A view that has not been computed: say how to compute it.
export function nothingYet(ctx: PageContext, text = ctx.i18n.t("empty.refresh")): void {
  ctx.el.append(h("p", { class: "note", role: "status" }, text));
}
