// Locale data for a language the browser's Intl lacks. Chromium's ICU has no Armenian: asked for
// hy-AM it answers in en-US ("Jan 2025", "1,234.5"). Then numbers and dates are written here
// from CLDR's Armenian patterns: "1 234,5", "15 հնվ, 2025 թ.", "1 234,50 $".
export interface LocaleData {
  group: string;
  decimal: string;
  percentAfter: string; // between the number and "%"
  currencyAfter: boolean; // "1 234,50 $" rather than "$1,234.50"
  months: { short: string[]; long: string[] }; // Gregorian, January first
  persianMonths: string[]; // Farvardin first
  dateMedium: (day: string, month: string, year: string) => string;
  monthYear: (month: string, year: string) => string;
}

export const ARMENIAN: LocaleData = {
  group: "\u00a0",
  decimal: ",",
  percentAfter: "\u00a0",
  currencyAfter: true,
  months: {
    short: ["հնվ", "փտվ", "մրտ", "ապր", "մյս", "հնս", "հլս", "օգս", "սեպ", "հոկ", "նոյ", "դեկ"],
    long: [
      "հունվար", "փետրվար", "մարտ", "ապրիլ", "մայիս", "հունիս",
      "հուլիս", "օգոստոս", "սեպտեմբեր", "հոկտեմբեր", "նոյեմբեր", "դեկտեմբեր",
    ],
  },
  persianMonths: [
    "ֆարվարդին", "օրդիբեհեշթ", "խորդադ", "թիր", "մորդադ", "շահրիվար",
    "մեհր", "աբան", "ազար", "դեյ", "բահման", "էսֆանդ",
  ],
  dateMedium: (day, month, year) => `${day} ${month}, ${year} թ.`,
  monthYear: (month, year) => `${month} ${year}`,
};

// Whether Intl writes Armenian. Asking which locale it resolved is not enough: in a browser
// whose own language is Armenian, Chromium resolves "hy" to "hy" yet has no data for it and
// writes "2026 M01 1" and "1,234.5". So a month's name is formatted and looked at.
export function intlWritesArmenian(): boolean {
  const month = new Intl.DateTimeFormat("hy", { month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2025, 0, 15)));
  const number = new Intl.NumberFormat("hy").format(1234.5);
  return /[\u0531-\u0587]/.test(month) && !number.includes(".");
}

// "1234.5" written with the locale's separators (digits stay Latin: Armenian uses them).
export function localNumber(data: LocaleData, text: string): string {
  return text.replace(/[,.]/g, (c) => (c === "," ? data.group : data.decimal));
}
