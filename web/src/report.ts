// The self-contained report written by `vafa report`: the same pages as the dashboard, drawn
// from the views inlined in the file; it makes no request.
import "./fonts.css";
import "./styles.css";
import { settingsFrom, startShell } from "./app";
import { ReportSource, type ReportData } from "./data";
import { I18n } from "./i18n";

const data = JSON.parse(document.getElementById("vafa-data")!.textContent ?? "{}") as ReportData;
const url = new URL(window.location.href);
const settings = settingsFrom(url, data.lang ?? "en");
if (data.calendar && !url.searchParams.has("calendar")) settings.calendar = data.calendar;
const i18n = new I18n(settings.lang, settings.calendar);
const asOf = data.views["overview.gregorian"]?.as_of ?? null;
startShell(document.getElementById("app")!, {
  source: new ReportSource(data),
  settings,
  session: null,
  footer: data.generated_at
    ? i18n.t("report.generated", { date: i18n.dateTime(data.generated_at), as_of: i18n.date(asOf) })
    : undefined,
});
