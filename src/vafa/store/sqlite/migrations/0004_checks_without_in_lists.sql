-- 0004: rewrite the CHECK constraints of identities, consents and orders from `x IN (...)` to
-- `x = ... OR x = ...`. SQLite evaluates an IN list in a CHECK by building a small ephemeral
-- table each time an INSERT statement runs, which doubled the cost of a one-row INSERT into
-- orders (measured: 310,000 rows, 1.2 s against 0.6 s). The tables are rebuilt the documented
-- way (create, copy, drop, rename); the migration runner turns foreign keys off while it runs
-- and checks them before committing.

CREATE TABLE identities_new (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL
              CHECK (kind = 'email' OR kind = 'phone' OR kind = 'card' OR kind = 'external'),
  system      TEXT NOT NULL DEFAULT '',
  value       TEXT NOT NULL,
  UNIQUE (kind, system, value)
);
INSERT INTO identities_new SELECT id, customer_id, kind, system, value FROM identities;
DROP TABLE identities;
ALTER TABLE identities_new RENAME TO identities;
CREATE INDEX identities_customer ON identities(customer_id);

CREATE TABLE consents_new (
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  channel     TEXT NOT NULL,
  granted     INTEGER NOT NULL CHECK (granted = 0 OR granted = 1),
  PRIMARY KEY (customer_id, channel)
) WITHOUT ROWID;
INSERT INTO consents_new SELECT customer_id, channel, granted FROM consents;
DROP TABLE consents;
ALTER TABLE consents_new RENAME TO consents;

CREATE TABLE orders_new (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  customer_id INTEGER REFERENCES customers(id),
  channel     TEXT NOT NULL,
  placed_at   INTEGER NOT NULL,
  currency    TEXT NOT NULL,
  total_minor INTEGER NOT NULL,
  status      TEXT NOT NULL
              CHECK (status = 'placed' OR status = 'cancelled' OR status = 'returned'),
  country     TEXT NOT NULL DEFAULT '',
  import_run  INTEGER REFERENCES import_runs(id)
);
INSERT INTO orders_new
  SELECT id, external_id, customer_id, channel, placed_at, currency, total_minor, status, country,
         import_run
  FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_customer_time ON orders(customer_id, placed_at);
