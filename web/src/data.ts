// Where a page's data comes from: the running server (the dashboard) or the data inlined in the
// report file. Pages ask for views by name and do not know which.
import type { Calendar, Lang } from "./i18n";

export interface ViewDoc<T> {
  name: string;
  as_of: string;
  computed_at: string;
  body: T;
}

export interface Session {
  name: string;
  role: string;
  lang: Lang;
  csrf_token: string;
  loyalty_club: boolean;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

export interface Source {
  readonly live: boolean;
  // Whether the server runs a loyalty club (points and tiers to ask for).
  readonly loyaltyClub: boolean;
  // A view computed per calendar is asked for as "overview" and read as "overview.<calendar>".
  view<T>(name: string, calendar?: Calendar): Promise<ViewDoc<T> | null>;
  get<T>(path: string): Promise<T>;
}

const CALENDARED = new Set(["overview", "cohorts", "pyramid", "loyalty"]);
function viewName(name: string, calendar?: Calendar): string {
  return CALENDARED.has(name) ? `${name}.${calendar ?? "gregorian"}` : name;
}

async function problemOf(response: Response): Promise<HttpError> {
  let message = response.statusText;
  try {
    const body = (await response.json()) as { detail?: string; title?: string };
    message = body.detail ?? body.title ?? message;
  } catch {
    /* not a problem document */
  }
  const retry = response.headers.get("Retry-After");
  return new HttpError(response.status, message, retry ? Number(retry) : null);
}

export class ApiSource implements Source {
  readonly live = true;
  loyaltyClub = false;
  private csrf = "";
  private readonly cache = new Map<string, Promise<unknown>>();

  async session(): Promise<Session | null> {
    const response = await fetch("/api/v1/session", { credentials: "same-origin" });
    if (response.status === 401) return null;
    if (!response.ok) throw await problemOf(response);
    const session = (await response.json()) as Session;
    this.csrf = session.csrf_token;
    this.loyaltyClub = session.loyalty_club;
    return session;
  }

  async signIn(name: string, password: string): Promise<Session> {
    const response = await fetch("/api/v1/session", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name, password }),
    });
    if (!response.ok) throw await problemOf(response);
    const session = (await response.json()) as Session;
    this.csrf = session.csrf_token;
    this.loyaltyClub = session.loyalty_club;
    return session;
  }

  async signOut(): Promise<void> {
    await fetch("/api/v1/session", {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": this.csrf },
    });
    this.cache.clear();
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`/api/v1${path}`, { credentials: "same-origin" });
    if (!response.ok) throw await problemOf(response);
    return (await response.json()) as T;
  }

  view<T>(name: string, calendar?: Calendar): Promise<ViewDoc<T> | null> {
    const full = viewName(name, calendar);
    let pending = this.cache.get(full) as Promise<ViewDoc<T> | null> | undefined;
    if (!pending) {
      pending = this.get<ViewDoc<T>>(`/dashboard/views/${full}`).catch((e: unknown) => {
        if (e instanceof HttpError && e.status === 404) return null;
        this.cache.delete(full);
        throw e;
      });
      this.cache.set(full, pending);
    }
    return pending;
  }
}

// The report: every view inlined in <script id="vafa-data"> by `vafa report`.
export interface ReportData {
  lang: Lang;
  calendar?: Calendar;
  generated_at: string | null;
  views: Record<string, { as_of: string; computed_at: string; body: unknown }>;
}

export class ReportSource implements Source {
  readonly live = false;
  readonly loyaltyClub = false;
  constructor(readonly data: ReportData) {}

  view<T>(name: string, calendar?: Calendar): Promise<ViewDoc<T> | null> {
    const full = viewName(name, calendar);
    const found = this.data.views[full];
    if (!found) return Promise.resolve(null);
    return Promise.resolve({ name: full, as_of: found.as_of, computed_at: found.computed_at, body: found.body as T });
  }

  get<T>(path: string): Promise<T> {
    return Promise.reject(new Error(`the report holds no live data (${path})`));
  }
}
