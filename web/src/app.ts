// The dashboard's shell: sign-in, the header with the pages, language and calendar, and the
// page router (#/page/argument). The report uses the same pages without the live parts.
import { Charts } from "./charts";
import { HttpError, type ApiSource, type Session, type Source } from "./data";
import { h } from "./dom";
import {
  defaultCalendar,
  I18n,
  isCalendar,
  isLang,
  LANG_NAMES,
  LANGS,
  type Calendar,
  type Key,
  type Lang,
} from "./i18n";
import { PAGES, type PageName } from "./pages";

export interface Settings {
  lang: Lang;
  calendar: Calendar;
}

// ?lang= and ?calendar= override the user's language and its default calendar.
export function settingsFrom(url: URL, fallback: Lang): Settings {
  const asked = url.searchParams.get("lang");
  const lang = isLang(asked) ? asked : fallback;
  const calendar = url.searchParams.get("calendar");
  return { lang, calendar: isCalendar(calendar) ? calendar : defaultCalendar(lang) };
}

function applyDocument(i18n: I18n, title: string): void {
  document.documentElement.lang = i18n.lang;
  document.documentElement.dir = i18n.dir;
  document.title = title;
}

// Changes ?lang / ?calendar and reloads the page with them (everything is drawn again).
function switchTo(name: "lang" | "calendar", value: string): void {
  const url = new URL(window.location.href);
  url.searchParams.set(name, value);
  if (name === "lang") url.searchParams.delete("calendar");
  window.location.assign(url.toString());
}

function route(): { page: PageName; arg: string } {
  const [, page = "overview", ...rest] = window.location.hash.replace(/^#/, "").split("/");
  const known = (PAGES.map((p) => p.name) as string[]).includes(page);
  return {
    page: (known ? page : "overview") as PageName,
    arg: decodeURIComponent(rest.join("/")),
  };
}

// "Signed in as NAME", the name isolated (a Latin name inside Persian text stays whole).
function signedInAs(i18n: I18n, name: string): HTMLElement {
  const [before, after = ""] = i18n.t("signed_in_as", { name: "\u0000" }).split("\u0000");
  return h("span", { class: "note" }, before, h("bdi", { class: "ltr" }, name), after);
}

export interface ShellOptions {
  source: Source;
  settings: Settings;
  session: Session | null;
  onSignOut?: () => void;
  footer?: string;
}

export function startShell(root: HTMLElement, options: ShellOptions): void {
  const { source, settings } = options;
  const i18n = new I18n(settings.lang, settings.calendar);
  applyDocument(i18n, i18n.t("app.name"));
  const charts = new Charts(i18n);
  const main = h("main", { id: "main", tabindex: "-1" });
  const links = new Map<PageName, HTMLAnchorElement>();
  const nav = h(
    "nav",
    { class: "pages", "aria-label": i18n.t("nav.label") },
    h(
      "ul",
      {},
      PAGES.filter((p) => !p.hidden && (source.live || !p.liveOnly)).map((p) => {
        const a = h("a", { href: `#/${p.name}` }, i18n.t(`nav.${p.name}` as Key));
        links.set(p.name, a);
        return h("li", {}, a);
      }),
    ),
  );
  const langSelect = h(
    "select",
    { id: "lang", onchange: (e: Event) => switchTo("lang", (e.target as HTMLSelectElement).value) },
    LANGS.map((l) => h("option", { value: l, selected: l === i18n.lang, lang: l }, LANG_NAMES[l])),
  );
  const calendarSelect = h(
    "select",
    {
      id: "calendar",
      onchange: (e: Event) => switchTo("calendar", (e.target as HTMLSelectElement).value),
    },
    (["persian", "gregorian"] as const).map((c) =>
      h("option", { value: c, selected: c === i18n.calendar }, i18n.t(`calendar.${c}`)),
    ),
  );
  const settingsBox = h(
    "div",
    { class: "settings" },
    h("label", { for: "lang" }, i18n.t("lang.label")),
    langSelect,
    h("label", { for: "calendar" }, i18n.t("calendar.label")),
    calendarSelect,
    options.session ? signedInAs(i18n, options.session.name) : null,
    options.onSignOut
      ? h("button", { type: "button", class: "quiet", onclick: options.onSignOut }, i18n.t("signout"))
      : null,
  );
  root.replaceChildren(
    h("a", { class: "skip", href: "#main", onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, i18n.t("skip")),
    h(
      "header",
      { class: "bar" },
      h("a", { class: "brand", href: "#/overview" }, i18n.t("app.name"), h("small", {}, i18n.t("app.tagline"))),
      nav,
      settingsBox,
    ),
    main,
  );
  if (options.footer) root.append(h("footer", { class: "note footer" }, options.footer));

  let drawing = 0;
  const show = async (focus: boolean) => {
    const { page, arg } = route();
    const ticket = ++drawing;
    charts.dispose();
    for (const [name, a] of links) {
      if (name === page || (page === "customer" && name === "customers")) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    // The page is drawn in place (charts need their size), under a status line until done.
    const status = h("p", { class: "note", role: "status" }, i18n.t("loading"));
    const body = h("div", { hidden: true });
    main.replaceChildren(status, body);
    try {
      const found = PAGES.find((p) => p.name === page)!;
      body.hidden = false;
      body.style.visibility = "hidden";
      await found.render({ el: body, i18n, source, charts, arg });
      if (ticket !== drawing) return; // the user went elsewhere meanwhile
      status.remove();
      body.style.visibility = "";
      charts.resize();
    } catch (e: unknown) {
      if (ticket !== drawing) return;
      if (e instanceof HttpError && e.status === 401 && options.onSignOut) return options.onSignOut();
      const message = e instanceof Error ? e.message : String(e);
      main.replaceChildren(h("p", { class: "error", role: "alert" }, i18n.t("error.load", { message })));
    }
    document.title = `${main.querySelector("h1")?.textContent ?? ""} · ${i18n.t("app.name")}`;
    if (focus) main.focus();
  };
  window.addEventListener("hashchange", () => void show(true));
  window.addEventListener("resize", () => charts.resize());
  void show(false);
}

// The sign-in form; resolves once signed in.
export function signInForm(root: HTMLElement, api: ApiSource, settings: Settings): Promise<Session> {
  const i18n = new I18n(settings.lang, settings.calendar);
  applyDocument(i18n, i18n.t("signin.title"));
  return new Promise((resolve) => {
    const message = h("p", { class: "error", role: "alert" });
    const name = h("input", { id: "name", name: "username", autocomplete: "username", required: true });
    const password = h("input", {
      id: "password",
      name: "password",
      type: "password",
      autocomplete: "current-password",
      required: true,
    });
    const submit = h("button", { type: "submit" }, i18n.t("signin.submit"));
    const form = h(
      "form",
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          submit.disabled = true;
          message.textContent = "";
          try {
            resolve(await api.signIn(name.value, password.value));
          } catch (err: unknown) {
            if (err instanceof HttpError && err.status === 429) {
              message.textContent = i18n.t("signin.locked", {
                minutes: Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60)),
              });
            } else if (err instanceof HttpError && err.status === 401) {
              message.textContent = i18n.t("signin.failed");
            } else {
              message.textContent = err instanceof Error ? err.message : String(err);
            }
            submit.disabled = false;
            password.select();
          }
        },
      },
      h("label", { for: "name" }, i18n.t("signin.name")),
      name,
      h("label", { for: "password" }, i18n.t("signin.password")),
      password,
      submit,
      message,
    );
    root.replaceChildren(
      h("main", { class: "signin card", id: "main" }, h("h1", {}, i18n.t("signin.title")), form),
    );
    name.focus();
  });
}
