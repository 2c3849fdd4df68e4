// The dashboard served by `vafa serve`: signs in, then shows the pages in the user's language
// (or ?lang=).
import "./fonts.css";
import "./styles.css";
import { settingsFrom, signInForm, startShell } from "./app";
import { ApiSource } from "./data";

async function main(): Promise<void> {
  const root = document.getElementById("app")!;
  const api = new ApiSource();
  const url = new URL(window.location.href);
  let session = await api.session();
  if (!session) session = await signInForm(root, api, settingsFrom(url, "en"));
  startShell(root, {
    source: api,
    settings: settingsFrom(url, session.lang),
    session,
    onSignOut: () => {
      void api.signOut().then(() => window.location.reload());
    },
  });
}

void main();
