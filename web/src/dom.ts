// Building the page from plain DOM calls: text always goes in as text (never as HTML), so a
// customer's name or a rule can never inject markup.
type Child = Node | string | null | undefined | false;
type Attr = string | number | boolean | undefined | null | ((event: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, Attr> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (name === "class") el.className = String(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

// A table with a caption, header cells with scope and numeric columns aligned to the end.
export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
  numeric?: boolean;
  head?: HTMLElement; // a custom header content (a sort button)
  sort?: "ascending" | "descending";
}

export function table<T>(caption: string, columns: Column<T>[], rows: T[]): HTMLTableElement {
  return h(
    "table",
    {},
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        columns.map((c) =>
          h("th", { scope: "col", class: c.numeric ? "num" : undefined, "aria-sort": c.sort }, c.head ?? c.title),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((r) =>
        h(
          "tr",
          {},
          // data-label: on a phone each row is a card whose cells name their column.
          columns.map((c) => h("td", { class: c.numeric ? "num" : undefined, "data-label": c.title || undefined }, c.cell(r))),
        ),
      ),
    ),
  );
}

export function panel(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "panel" }, h("h2", {}, title), ...children);
}

// A chart's box; pages pass it to Charts.draw once it is in the document.
export function chartBox(small = false): HTMLDivElement {
  return h("div", { class: small ? "chart small" : "chart" });
}
