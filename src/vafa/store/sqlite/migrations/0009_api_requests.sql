-- 0009: the HTTP API's idempotent writes (docs/api.md). A write sent with an Idempotency-Key
-- stores its answer in the same transaction as its effect; a retry with the same key gets the
-- stored answer and changes nothing. Keys are per API key (caller), kept for a day at least.

CREATE TABLE idempotent_requests (
  caller      TEXT NOT NULL,     -- the API key's name
  key         TEXT NOT NULL,     -- the client's Idempotency-Key
  fingerprint TEXT NOT NULL,     -- method, path and a hash of the body
  status      INTEGER NOT NULL,  -- the HTTP status of the first answer
  body        TEXT NOT NULL,
  location    TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (caller, key)
) WITHOUT ROWID;
CREATE INDEX idempotent_requests_created ON idempotent_requests(created_at);
