// Languages, calendars and number formats. The text of every page comes from the catalogues in
// locales/ (a test checks that fa and hy have every key of en); numbers, money and dates from
// the browser's Intl, which does Persian digits and the Persian (Jalali) calendar.
import en from "./locales/en.json";
import fa from "./locales/fa.json";
import hy from "./locales/hy.json";
import { ARMENIAN, intlWritesArmenian, localNumber, type LocaleData } from "./fallback";
import armenianNames from "./locales/hy-names.json";

export type Lang = "en" | "fa" | "hy";
export type Calendar = "gregorian" | "persian";
export type Key = keyof typeof en;

export const LANGS: readonly Lang[] = ["en", "fa", "hy"];
export const LANG_NAMES: Record<Lang, string> = { en: "English", fa: "فارسی", hy: "Հայերեն" };
const CATALOGUES: Record<Lang, Record<string, string>> = { en, fa, hy };

export function isLang(text: string | null | undefined): text is Lang {
  return text === "en" || text === "fa" || text === "hy";
}
export function isCalendar(text: string | null | undefined): text is Calendar {
  return text === "gregorian" || text === "persian";
}

// The calendar a language shows by default: Persian for fa.
export function defaultCalendar(lang: Lang): Calendar {
  return lang === "fa" ? "persian" : "gregorian";
}

export class I18n {
  readonly dir: "ltr" | "rtl";
  private readonly locale: string;
  private readonly numbers: Intl.NumberFormat;
  // Set when Intl lacks the language (Armenian in Chromium): numbers and dates are written from
  // fallback.ts, with Intl in en-US only for the arithmetic of calendars and rounding.
  private readonly fallback: LocaleData | null;

  constructor(
    readonly lang: Lang,
    readonly calendar: Calendar,
  ) {
    this.dir = lang === "fa" ? "rtl" : "ltr";
    const base = lang === "fa" ? "fa-IR" : lang === "hy" ? "hy-AM" : "en-GB";
    this.fallback = lang === "hy" && !intlWritesArmenian() ? ARMENIAN : null;
    const tag = this.fallback ? "en-US" : base;
    this.locale = `${tag}-u-ca-${calendar === "persian" ? "persian" : "gregory"}`;
    this.numbers = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 1 });
  }

  private local(text: string): string {
    return this.fallback ? localNumber(this.fallback, text) : text;
  }

  // Day, month (1-12) and year of `iso` in the chosen calendar (UTC).
  private partsOf(iso: string): { day: string; month: number; year: string } {
    const parts = new Intl.DateTimeFormat(`en-US-u-ca-${this.calendar === "persian" ? "persian" : "gregory"}-nu-latn`, {
      day: "numeric",
      month: "numeric",
      year: "numeric",
      timeZone: "UTC",
    }).formatToParts(new Date(iso));
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    return { day: get("day"), month: Number(get("month")), year: get("year") };
  }

  private monthName(month: number, long = false): string {
    const f = this.fallback!;
    return this.calendar === "persian" ? f.persianMonths[month - 1] : (long ? f.months.long : f.months.short)[month - 1];
  }

  // Whether the catalogue has `key` (for keys made from what the server sends).
  has(key: string): boolean {
    return key in en;
  }

  // The catalogue's text with {name} replaced by vars.name (numbers formatted for the language).
  t(key: Key, vars: Record<string, string | number> = {}): string {
    const text = CATALOGUES[this.lang][key] ?? en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = vars[name];
      if (value === undefined) return `{${name}}`;
      return typeof value === "number" ? this.number(value) : value;
    });
  }

  number(value: number, digits = 1): string {
    if (digits === 1) return this.local(this.numbers.format(value));
    return this.local(new Intl.NumberFormat(this.locale, { maximumFractionDigits: digits }).format(value));
  }

  // A number with its sign always shown (+3, −2), for changes.
  signed(value: number, digits = 1): string {
    if (this.fallback) {
      const sign = value > 0 ? "+" : value < 0 ? "−" : "";
      return `${sign}${this.number(Math.abs(value), digits)}`;
    }
    return new Intl.NumberFormat(this.locale, { maximumFractionDigits: digits, signDisplay: "exceptZero" }).format(value);
  }
  signedPercent(share: number): string {
    if (this.fallback) return `${this.signed(share * 100)}${this.fallback.percentAfter}%`;
    return new Intl.NumberFormat(this.locale, {
      style: "percent",
      maximumFractionDigits: 1,
      signDisplay: "exceptZero",
    }).format(share);
  }

  percent(share: number | null | undefined): string {
    if (share === null || share === undefined) return "–";
    if (this.fallback) return `${this.number(share * 100)}${this.fallback.percentAfter}%`;
    return new Intl.NumberFormat(this.locale, {
      style: "percent",
      maximumFractionDigits: 1,
    }).format(share);
  }

  // Integer minor units of `currency` (exponent: its ISO 4217 decimal places) as money.
  money(minor: number | null | undefined, currency: string, exponent: number, compact = false): string {
    if (minor === null || minor === undefined) return "–";
    const amount = minor / 10 ** exponent;
    if (this.fallback) {
      const digits = compact ? 0 : Math.min(exponent, 2);
      // CLDR's short compact forms: հզր (thousand), մլն (million), մլրդ (billion).
      const scale = !compact ? null : ([[1e9, "մլրդ"], [1e6, "մլն"], [1e3, "հզր"]] as const).find(([n]) => Math.abs(amount) >= n);
      const shown = scale ? amount / scale[0] : amount;
      const text = this.local(
        new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: compact ? 1 : exponent }).format(shown),
      );
      const symbol = currency === "AMD" ? "֏" : currency === "USD" ? "$" : currency;
      return `${text}${scale ? `\u00a0${scale[1]}` : ""}\u00a0${symbol}`;
    }
    try {
      return new Intl.NumberFormat(this.locale, {
        style: "currency",
        currency,
        notation: compact ? "compact" : "standard",
        maximumFractionDigits: compact ? 1 : exponent,
        minimumFractionDigits: compact ? 0 : Math.min(exponent, 2),
      }).format(amount);
    } catch {
      return `${this.number(amount, exponent)} ${currency}`;
    }
  }

  // An ISO time as a date (day, month, year) in the chosen calendar.
  date(iso: string | null | undefined): string {
    if (!iso) return "–";
    if (this.fallback) {
      const p = this.partsOf(iso);
      return this.fallback.dateMedium(p.day, this.monthName(p.month), p.year);
    }
    return new Intl.DateTimeFormat(this.locale, { dateStyle: "medium", timeZone: "UTC" }).format(
      new Date(iso),
    );
  }
  dateTime(iso: string | null | undefined): string {
    if (!iso) return "–";
    if (this.fallback) return `${this.date(iso)} ${new Date(iso).toISOString().slice(11, 16)}`;
    return new Intl.DateTimeFormat(this.locale, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "UTC",
    }).format(new Date(iso));
  }
  // The month (and year) a period starting at `iso` is: periods of the persian views start on
  // the first of a Jalali month, so this names it in either calendar.
  month(iso: string): string {
    if (this.fallback) {
      const p = this.partsOf(iso);
      return this.fallback.monthYear(this.monthName(p.month), p.year);
    }
    return new Intl.DateTimeFormat(this.locale, {
      year: "numeric",
      month: "short",
      timeZone: "UTC",
    }).format(new Date(iso));
  }
  quarter(iso: string, label: string): string {
    const q = /Q(\d)/.exec(label);
    const year = this.fallback
      ? this.partsOf(iso).year
      : new Intl.DateTimeFormat(this.locale, { year: "numeric", timeZone: "UTC" }).format(new Date(iso));
    return q ? this.t("quarter", { n: Number(q[1]), year }) : this.month(iso);
  }

  // A country's name from its ISO code ("IR" -> "Iran", "ایران", "Իրան"); the code when unknown.
  country(code: string | null | undefined): string {
    if (!code) return "–";
    return this.displayName("region", code.toUpperCase(), armenianNames.regions as Record<string, string>);
  }

  // A locale's language ("fa-IR" -> "Persian (Iran)" ...); the tag when unknown.
  language(tag: string | null | undefined): string {
    if (!tag) return "–";
    const base = tag.split(/[-_]/)[0].toLowerCase();
    return this.displayName("language", tag, armenianNames.languages as Record<string, string>, base);
  }

  private displayName(type: "region" | "language", code: string, armenian: Record<string, string>, armenianKey = code): string {
    if (this.fallback) return armenian[armenianKey] ?? code;
    try {
      return new Intl.DisplayNames(this.locale.split("-u-")[0], { type, fallback: "code" }).of(code) ?? code;
    } catch {
      return code; // not a well-formed code
    }
  }

  // Words the server sends as identifiers, in the reader's language: a channel, an event type,
  // an identity kind. An identifier without a translation is shown as it is.
  word(kind: "channel" | "event" | "identity", id: string): string {
    const key = `${kind}.${id}` as Key;
    return key in en ? this.t(key) : id;
  }
}
