// The dashboard and the report in Debian's Chromium (playwright-core), against a real `vafa serve`
// on loopback with generated data: signing in, every page in en, fa and hy with no console error
// and no failed request, fa right-to-left with Jalali dates and Persian digits, charts drawn,
// keyboard navigation, axe-core, and a report that makes no request. Screenshots of every page
// in every language go to build/screenshots/ (SCREENSHOTS=...).
//
//   VAFA=../build/release/vafa node --test tests/browser.test.mjs
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const VAFA = resolve(process.env.VAFA ?? "../build/release/vafa");
const SHOTS = resolve(process.env.SCREENSHOTS ?? "../build/screenshots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const USER = "ana";
const PASSWORD = "a long enough password";
const PAGES = ["overview", "cohorts", "clv", "segments", "customers", "pyramid", "loyalty", "recommendations"];
const LANGS = ["en", "fa", "hy"];
const PERSIAN_MONTHS = /فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند/;

let dir, db, server, base, browser;

function vafa(...args) {
  return execFileSync(VAFA, ["--db", db, ...args], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

// The store a shop would have: generated customers, orders, events and spend, CLV predicted and
// validated, recommendations evaluated, segments, a refresh; and a dashboard user.
function makeStore() {
  const data = join(dir, "data");
  execFileSync(VAFA, ["generate", "--customers", "1500", "--seed", "7", "--out", data]);
  for (const [kind, file] of [
    ["products", "products.csv"],
    ["customers", "customers.csv"],
    ["orders", "orders.csv"],
    ["events", "events.ndjson"],
    ["spend", "spend.csv"],
  ]) {
    vafa("import", kind, join(data, file));
  }
  const calibration = ["--calibration-end", "2025-06-30"];
  vafa("clv", "predict", ...calibration, "--unit", "day", "--horizon", "180", "--store");
  vafa("clv", "validate", ...calibration, "--holdout-end", "2025-12-31", "--unit", "week", "--store");
  vafa("recommend", "evaluate", "--split-date", "2025-07-01", "--store");
  vafa("recommend", "train");
  vafa("segments", "create", "repeat_buyers", "orders >= 2");
  vafa("segments", "create", "at_risk_valuable", 'stage = "at_risk" and monetary_score >= 4');
  vafa("refresh", "--as-of", "2026-01-01");
  execFileSync(VAFA, ["--db", db, "users", "create", USER, "--role", "reader", "--lang", "en"], {
    input: `${PASSWORD}\n`,
  });
}

function startServer() {
  return new Promise((ok, fail) => {
    server = spawn(VAFA, ["--db", db, "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
    let said = "";
    const timer = setTimeout(() => fail(new Error(`vafa serve did not start: ${said}`)), 20_000);
    const listen = (chunk) => {
      said += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(said);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    server.stdout.on("data", listen);
    server.stderr.on("data", listen);
    server.on("exit", (code) => fail(new Error(`vafa serve exited (${code}): ${said}`)));
  });
}

// The browser's own language for each of ours: pages are tried in a browser set to the
// language the reader speaks (Chromium's locale, navigator.language and Accept-Language).
const BROWSER_LOCALE = { en: "en-US", fa: "fa-IR", hy: "hy-AM" };

// A signed-in page that records console errors and failed requests.
async function signedIn(lang, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: BROWSER_LOCALE[lang], ...options });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${base}/?lang=${lang}`);
  await page.fill("#name", USER);
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForSelector("nav.pages");
  // Before signing in the page learns that nobody is (401 from /api/v1/session): expected.
  const expected = problems.splice(0).filter((p) => !/401/.test(p) || !/session|Unauthorized/.test(p));
  problems.push(...expected);
  return { context, page, problems };
}

// Goes to a page and waits until it has drawn (its status line is gone).
async function open(page, name) {
  await page.evaluate((n) => {
    window.location.hash = `#/${n}`;
  }, name);
  await page.waitForFunction(
    (n) => window.location.hash === `#/${n}` && !document.querySelector("main [role=status]:not(#rule-result)") && document.querySelector("main h1"),
    name,
  );
  await page.waitForTimeout(400); // chart animations
}

// How many canvases hold drawn pixels, of how many.
function drawnCanvases(page) {
  return page.evaluate(() => {
    const canvases = [...document.querySelectorAll("main canvas")];
    const drawn = canvases.filter((c) => {
      const data = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data;
      if (!data) return false;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
      return false;
    });
    return { all: canvases.length, drawn: drawn.length };
  });
}

// Latin words in what the reader sees, leaving out what stays Latin in every language: codes,
// rules, identifiers, the language menu and model names.
function latinWords(page) {
  return page.evaluate(() => {
    const skip = "code, .rule, .ltr, select, option, .brand, td a, .marker, textarea, [lang]:not(html)";
    const words = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement?.closest(skip)) continue;
      for (const w of n.textContent.match(/[A-Za-z]{3,}/g) ?? []) words.push(w);
    }
    return words.filter((w) => !/^(vafa|refresh|bgnbd|mbgnbd|mbg|pareto|nbd|gamma|NPS|SMS|VIP|USD|EUR|AMD|IRR|store|predict|validate|evaluate|recommend|segments|create)$/i.test(w));
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "vafa-browser-"));
  db = join(dir, "shop.db");
  mkdirSync(SHOTS, { recursive: true });
  makeStore();
  base = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const stopped = new Promise((ok) => server.once("exit", ok));
    server.kill("SIGTERM");
    await stopped;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("signing in", () => {
  test("a wrong password is refused with a message, the right one lets in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.fill("#name", USER);
    await page.fill("#password", "not the password");
    await page.click("button[type=submit]");
    await page.waitForFunction(() => document.querySelector("[role=alert]")?.textContent);
    assert.match(await page.textContent("[role=alert]"), /wrong/);
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForSelector("nav.pages");
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "vafa_session");
    assert.ok(session?.httpOnly, "the session cookie is HttpOnly");
    assert.equal(session.sameSite, "Strict");
    // Signing out ends the session: the page asks to sign in again.
    await page.click("header button");
    await page.waitForSelector("#password");
    await context.close();
  });
});

for (const lang of LANGS) {
  describe(`every page in ${lang}`, () => {
    let session;
    before(async () => {
      session = await signedIn(lang);
    });
    after(async () => session.context.close());

    for (const name of PAGES) {
      test(`${name} renders with its charts, no errors and no failed request`, async () => {
        const { page, problems } = session;
        await open(page, name);
        await page.screenshot({ path: join(SHOTS, `${lang}-${name}.png`), fullPage: true });
        assert.deepEqual(problems, []);
        const canvases = await drawnCanvases(page);
        assert.equal(canvases.drawn, canvases.all, `${canvases.all - canvases.drawn} empty charts`);
        if (name !== "customers") assert.ok(canvases.all > 0, "the page has charts");
        assert.equal(await page.getAttribute("html", "lang"), lang);
        assert.equal(await page.getAttribute("html", "dir"), lang === "fa" ? "rtl" : "ltr");
        if (lang !== "en") assert.deepEqual(await latinWords(page), []);
        assert.doesNotMatch(await page.textContent("main"), /NaN|undefined|null/);
      });
    }

    test("the overview says the data end long before today and shows who holds the revenue", async () => {
      const { page } = session;
      await open(page, "overview");
      // The generated shop's data end in 2025-12; today is later.
      assert.ok(await page.locator("main .notice").count(), "a 'data until' notice");
      const panels = await page.locator("main section.panel h2").allTextContents();
      assert.equal(panels.length, 3, `revenue, active customers and concentration: ${panels}`);
      const twenty = { en: /top 20% of [\d,]+ buyers hold \d+(\.\d)?%/, fa: /۲۰٪ بالای [۰-۹٬]+ خریدار [۰-۹٫]+٪/, hy: /20%-ին/ };
      assert.match(await page.textContent("main"), twenty[lang]);
    });

    test("a customer's score breakdown shows each part's value and points", async () => {
      const { page } = session;
      await open(page, "customers");
      await page.click("tbody tr td a");
      await page.waitForFunction(() => location.hash.startsWith("#/customer/") && document.querySelector("ol.timeline, main .panel"));
      await page.waitForTimeout(300);
      const main = await page.textContent("main");
      assert.doesNotMatch(main, /NaN/);
      // Names, not codes: the country and language by name, events and identities in words.
      const facts = await page.locator("main dl.facts dd").allTextContents();
      assert.deepEqual(facts.filter((t) => /^[A-Z]{2}$|^[a-z]{2}-[A-Z]{2}$/.test(t.trim())), []);
      assert.doesNotMatch(main, /email_open|sign_up|placed ·/);
      // Where the stage and the CLV come from, and that they describe different times here (the
      // test's store predicts CLV to 2025-06-30 and refreshes to 2026-01-01).
      assert.equal(await page.locator("main .sources p.note").count(), 2);
      assert.equal(await page.locator("main .sources .notice").count(), 1);
      const scoreTable = page.locator("main table", { has: page.locator("caption") }).filter({ hasText: lang === "en" ? "What the score is made of" : /./ });
      assert.ok(await scoreTable.count());
      await page.evaluate(() => window.history.back());
    });

    test("the rule editor takes Persian digits, lists the names and says what is wrong in the reader's language", async () => {
      const { page } = session;
      await open(page, "segments");
      await page.fill("#rule", "orders >= ۲");
      await page.waitForFunction(() => document.querySelector("#rule").getAttribute("aria-invalid") !== "true" && /[0-9۰-۹]/.test(document.querySelector("#rule-result").textContent) && !/…/.test(document.querySelector("#rule-result").textContent));
      await page.fill("#rule", 'stage = "gold"');
      await page.waitForFunction(() => document.querySelector("#rule").getAttribute("aria-invalid") === "true");
      const said = await page.textContent("#rule-result");
      assert.match(said, { en: /Its values are/, fa: /مقدارهای آن/, hy: /արժեքներն են/ }[lang]);
      assert.match(said, /vip/);
      // As the table shows it, a stage matches.
      await page.fill("#rule", 'stage = "VIP"');
      await page.waitForFunction(() => document.querySelector("#rule").getAttribute("aria-invalid") !== "true" && /[0-9۰-۹]/.test(document.querySelector("#rule-result").textContent) && !/…/.test(document.querySelector("#rule-result").textContent));
      // The list of names: a click adds one to the rule.
      await page.fill("#rule", "");
      await page.click("details.fields summary");
      await page.locator("details.fields button", { hasText: "orders" }).first().click();
      assert.match(await page.inputValue("#rule"), /orders/);
      await page.fill("#rule", "");
    });

    if (lang === "hy") {
      test("hy in an Armenian browser writes Armenian dates and separators", async () => {
        const { page } = session;
        assert.equal(await page.evaluate(() => navigator.language), "hy-AM");
        await open(page, "overview");
        const text = await page.textContent("main");
        assert.doesNotMatch(text, /\bM\d\d\b/, "no 'M01' months of a locale without data");
        assert.match(text, /հունվար|փետրվար|մարտ|ապրիլ|մայիս|հունիս|հուլիս|օգոստոս|սեպտեմբեր|հոկտեմբեր|նոյեմբեր|դեկտեմբեր|հնվ|փտվ|մրտ|ապր|մյս|հնս|հլս|օգս|սեպ|հոկ|նոյ|դեկ/);
        assert.doesNotMatch(await page.textContent("main .cards"), /\d,\d{3}/, "no English thousands separators");
      });
    }

    if (lang === "fa") {
      test("fa shows Jalali months, Persian digits and a mirrored layout", async () => {
        const { page } = session;
        await open(page, "overview");
        const text = await page.textContent("main");
        assert.match(text, PERSIAN_MONTHS);
        assert.match(text, /[۰-۹]/);
        assert.doesNotMatch(await page.textContent("main .cards"), /[0-9]/);
        // The navigation starts at the right edge.
        const nav = await page.locator("nav.pages li").first().boundingBox();
        const brand = await page.locator(".brand").boundingBox();
        assert.ok(brand.x > nav.x, "the brand is right of the navigation");
        // Switching to the Gregorian calendar keeps Persian digits with Gregorian months.
        await page.selectOption("#calendar", "gregorian");
        await page.waitForFunction(() => new URL(location.href).searchParams.get("calendar") === "gregorian");
        await page.waitForSelector("main .cards");
        const gregorian = await page.textContent("main");
        assert.doesNotMatch(gregorian, PERSIAN_MONTHS);
        assert.match(gregorian, /ژانویه|فوریه|مارس|آوریل|مه|ژوئن|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر/);
      });
    }
  });
}

// At a phone's width (390 px) every page fits: nothing wider than the screen, every chart drawn,
// every cell of a table on screen.
describe("at phone width", () => {
  for (const lang of LANGS) {
    test(`every page fits a 390 px screen in ${lang}`, async () => {
      const { context, page, problems } = await signedIn(lang, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const wide = [];
      for (const name of PAGES) {
        await open(page, name);
        await page.screenshot({ path: join(SHOTS, `${lang}-phone-${name}.png`), fullPage: true });
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > 391) wide.push(`${name}: ${width} px wide`);
        const canvases = await drawnCanvases(page);
        if (canvases.drawn !== canvases.all) wide.push(`${name}: ${canvases.all - canvases.drawn} empty charts`);
        const off = await page.evaluate(() =>
          [...document.querySelectorAll("main td")].filter((td) => {
            const r = td.getBoundingClientRect();
            return r.width > 0 && (r.left < -1 || r.right > window.innerWidth + 1);
          }).length,
        );
        if (off > 0) wide.push(`${name}: ${off} table cells off screen`);
      }
      assert.deepEqual(wide, []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});

describe("keyboard and accessibility", () => {
  test("the skip link, the navigation and the sort buttons work from the keyboard", async () => {
    const { context, page } = await signedIn("en");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.className), "skip");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main");
    await page.locator("nav.pages a", { hasText: "Cohorts" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("main h1")?.textContent === "Cohorts");
    await open(page, "customers");
    const first = await page.textContent("tbody tr td");
    await page.locator("th button", { hasText: "Orders" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction((before) => document.querySelector("tbody tr td")?.textContent !== before, first);
    assert.equal(await page.getAttribute("th[aria-sort]", "aria-sort"), "descending");
    await context.close();
  });

  for (const lang of LANGS) {
    test(`axe-core finds no serious violation in ${lang}`, async () => {
      // Injecting axe needs an inline script, which the server's CSP forbids: this context
      // alone bypasses it.
      const { context, page } = await signedIn(lang, { bypassCSP: true });
      const found = [];
      for (const name of PAGES) {
        await open(page, name);
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
        for (const v of result.violations) {
          if (v.impact === "serious" || v.impact === "critical") {
            found.push(`${name}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target}`);
          }
        }
      }
      assert.deepEqual(found, []);
      await context.close();
    });
  }

  test("the customer table pages on the server and a customer opens", async () => {
    const { context, page, problems } = await signedIn("en");
    await open(page, "customers");
    const first = await page.textContent("tbody tr td a");
    await page.click("text=Next page");
    await page.waitForFunction(() => /Page 2/.test(document.querySelector("caption")?.textContent ?? ""));
    assert.notEqual(await page.textContent("tbody tr td a"), first);
    await page.click("tbody tr td a");
    await page.waitForFunction(() => location.hash.startsWith("#/customer/") && document.querySelector("ol.timeline"));
    assert.match(await page.textContent("main"), /Timeline/);
    await page.screenshot({ path: join(SHOTS, "en-customer.png"), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the rule editor counts and marks where a rule is wrong", async () => {
    const { context, page } = await signedIn("en");
    await open(page, "segments");
    await page.fill("#rule", "orders >= 2");
    await page.waitForFunction(() => / of /.test(document.querySelector("#rule-result").textContent));
    await page.fill("#rule", "orders >= ");
    await page.waitForFunction(() => document.querySelector("#rule").getAttribute("aria-invalid") === "true");
    assert.match(await page.textContent("#rule-result"), /Column \d+/);
    await context.close();
  });
});

describe("the report", () => {
  for (const lang of LANGS) {
    test(`report.html in ${lang} draws every page and makes no request`, async () => {
      const file = join(dir, `report-${lang}.html`);
      vafa("report", "--out", file, "--lang", lang);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const requests = [];
      const problems = [];
      page.on("request", (r) => {
        if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
      });
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(`file://${file}`);
      await page.waitForSelector("nav.pages");
      for (const name of PAGES.filter((p) => p !== "customers")) {
        await open(page, name);
        const canvases = await drawnCanvases(page);
        assert.ok(canvases.all > 0 && canvases.drawn === canvases.all, `${name}: charts drawn`);
        await page.screenshot({ path: join(SHOTS, `report-${lang}-${name}.png`), fullPage: true });
      }
      assert.deepEqual(requests, []);
      assert.deepEqual(problems, []);
      assert.equal(await page.getAttribute("html", "dir"), lang === "fa" ? "rtl" : "ltr");
      await context.close();
    });
  }
});
