-- 0008: API keys (docs/api.md). A key is shown once when created; the store keeps its first
-- characters (to find it and to show in lists) and a BLAKE2b-256 hash of the whole key, never
-- the key itself. Revoked keys stay for the record.

CREATE TABLE api_keys (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL CHECK (role = 'admin' OR role = 'writer' OR role = 'reader'),
  prefix     TEXT NOT NULL UNIQUE,
  hash       TEXT NOT NULL,  -- hex
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
