-- 0015: the dashboard's users and their sign-in sessions (docs/dashboard.md). Passwords are
-- kept only as Argon2id hashes (libsodium's encoded form, with its salt and costs); a session
-- is kept only as a hash of its cookie.

CREATE TABLE dashboard_users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role = 'reader' OR role = 'writer' OR role = 'admin'),
  lang          TEXT NOT NULL DEFAULT 'en' CHECK (lang = 'en' OR lang = 'fa' OR lang = 'hy'),
  created_at    INTEGER NOT NULL,
  disabled_at   INTEGER
);

CREATE TABLE dashboard_sessions (
  token_hash TEXT PRIMARY KEY,            -- hex BLAKE2b-256 of the cookie's token
  user_id    INTEGER NOT NULL REFERENCES dashboard_users(id),
  csrf       TEXT NOT NULL,               -- sent back in X-CSRF-Token by writes
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions(expires_at);
