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

// Whether Intl knows `lang` (its answer is not a fallback to another language).
export function intlKnows(lang: string): boolean {
  return new Intl.NumberFormat(lang).resolvedOptions().locale.split("-")[0] === lang;
}

// "1234.5" written with the locale's separators (digits stay Latin: Armenian uses them).
export function localNumber(data: LocaleData, text: string): string {
  return text.replace(/[,.]/g, (c) => (c === "," ? data.group : data.decimal));
}
