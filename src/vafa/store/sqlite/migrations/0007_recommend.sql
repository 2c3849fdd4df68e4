-- 0007: recommendations (docs/recommend.md). Products can leave the catalogue (active = 0: kept
-- for history, never recommended). `vafa recommend train` replaces the model, the neighbours of
-- each product, the popular lists and every customer's top list in one transaction, so readers
-- see one model at a time.

ALTER TABLE products ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active = 0 OR active = 1);

CREATE TABLE recommend_model (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  trained_at    INTEGER NOT NULL,
  trained_until INTEGER,             -- only orders before this time (evaluation), else all
  params        TEXT NOT NULL,       -- the options, as JSON
  products      INTEGER NOT NULL,
  pairs         INTEGER NOT NULL     -- (customer, pair) co-purchases counted
);

CREATE TABLE item_neighbours (
  product_id   INTEGER NOT NULL REFERENCES products(id),
  rank         INTEGER NOT NULL CHECK (rank >= 1),
  neighbour_id INTEGER NOT NULL REFERENCES products(id),
  score        REAL NOT NULL,
  support      INTEGER NOT NULL,
  together     INTEGER NOT NULL,
  PRIMARY KEY (product_id, rank)
) WITHOUT ROWID;

-- Popular products per scope: 'all', 'country:IR', 'segment:<id>', 'category:<name>'.
CREATE TABLE popular_products (
  scope      TEXT NOT NULL,
  rank       INTEGER NOT NULL CHECK (rank >= 1),
  product_id INTEGER NOT NULL REFERENCES products(id),
  buyers     INTEGER NOT NULL,
  PRIMARY KEY (scope, rank)
) WITHOUT ROWID;

CREATE TABLE customer_recommendations (
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  rank        INTEGER NOT NULL CHECK (rank >= 1),
  product_id  INTEGER NOT NULL REFERENCES products(id),
  score       REAL NOT NULL,
  reason      TEXT NOT NULL,        -- similar, upsell, category, popular
  because_id  INTEGER REFERENCES products(id),  -- the purchase that led to it, when one did
  PRIMARY KEY (customer_id, rank)
) WITHOUT ROWID;
