-- 0001: customers, identities, consent, products, orders with lines, events, import runs and
-- the quarantine of rejected rows. Times are Unix seconds (UTC); money is integer minor units.

CREATE TABLE customers (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  birthday    TEXT,
  locale      TEXT NOT NULL DEFAULT '',
  country     TEXT NOT NULL DEFAULT '',
  time_zone   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE identities (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('email', 'phone', 'card', 'external')),
  system      TEXT NOT NULL DEFAULT '',
  value       TEXT NOT NULL,
  UNIQUE (kind, system, value)
);
CREATE INDEX identities_customer ON identities(customer_id);

CREATE TABLE consents (
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  channel     TEXT NOT NULL,
  granted     INTEGER NOT NULL CHECK (granted IN (0, 1)),
  PRIMARY KEY (customer_id, channel)
) WITHOUT ROWID;

CREATE TABLE products (
  id          INTEGER PRIMARY KEY,
  sku         TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL DEFAULT '',
  category    TEXT NOT NULL DEFAULT '',
  price_minor INTEGER,
  currency    TEXT
);

CREATE TABLE import_runs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  source      TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  status      TEXT NOT NULL,
  records     INTEGER NOT NULL DEFAULT 0,
  accepted    INTEGER NOT NULL DEFAULT 0,
  rejected    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE orders (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  customer_id INTEGER REFERENCES customers(id),
  channel     TEXT NOT NULL,
  placed_at   INTEGER NOT NULL,
  currency    TEXT NOT NULL,
  total_minor INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('placed', 'cancelled', 'returned')),
  country     TEXT NOT NULL DEFAULT '',
  import_run  INTEGER REFERENCES import_runs(id)
);
CREATE INDEX orders_customer_time ON orders(customer_id, placed_at);
CREATE INDEX orders_time ON orders(placed_at);

CREATE TABLE order_lines (
  order_id         INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  line_no          INTEGER NOT NULL,
  product_id       INTEGER REFERENCES products(id),
  quantity         INTEGER NOT NULL,
  unit_price_minor INTEGER,
  discount_minor   INTEGER NOT NULL DEFAULT 0,
  amount_minor     INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  customer_id INTEGER REFERENCES customers(id),
  type        TEXT NOT NULL,
  channel     TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  properties  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(properties))
);
CREATE INDEX events_customer_time ON events(customer_id, occurred_at);

CREATE TABLE rejected_rows (
  id         INTEGER PRIMARY KEY,
  import_run INTEGER NOT NULL REFERENCES import_runs(id),
  source     TEXT NOT NULL,
  line       INTEGER NOT NULL,
  column_name TEXT NOT NULL DEFAULT '',
  reason     TEXT NOT NULL,
  raw        TEXT NOT NULL DEFAULT '',
  UNIQUE (source, line)
);
