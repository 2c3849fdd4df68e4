-- 0006: what the analytics and segments layers derive and write back (docs/analytics.md), so the
-- API, dashboard and campaigns read it without recomputing; marketing spend; and the set of
-- customers whose data changed since their derived rows were computed.

-- One row per customer, written by `vafa refresh` (all customers) and by incremental updates.
-- Money in minor units of analytics_state 'currency'; times in Unix seconds.
CREATE TABLE customer_metrics (
  customer_id       INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
  as_of             INTEGER NOT NULL,
  orders            INTEGER NOT NULL CHECK (orders >= 0),
  first_order_at    INTEGER,
  last_order_at     INTEGER,
  revenue_minor     INTEGER NOT NULL,
  net_revenue_minor INTEGER NOT NULL,
  returns           INTEGER NOT NULL CHECK (returns >= 0),
  cycle_days        REAL,
  recency_score     INTEGER CHECK (recency_score BETWEEN 1 AND 5),
  frequency_score   INTEGER CHECK (frequency_score BETWEEN 1 AND 5),
  monetary_score    INTEGER CHECK (monetary_score BETWEEN 1 AND 5),
  rfm_group         TEXT,
  stage             TEXT NOT NULL,
  score             REAL NOT NULL CHECK (score >= 0 AND score <= 100),
  components        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(components)),
  advocacy          TEXT NOT NULL,
  engagement_events INTEGER NOT NULL DEFAULT 0,
  nps               INTEGER CHECK (nps BETWEEN 0 AND 10),
  churn_risk        REAL NOT NULL DEFAULT 0
);

-- Population figures and settings of the latest full refresh (quintile boundaries, purchase
-- cycle, as-of time, currency), as name -> JSON text.
CREATE TABLE analytics_state (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Customers changed (order, event, profile) since their derived rows were computed. A change
-- takes a new seq, so an update that read up to seq S removes only marks <= S.
CREATE TABLE customer_changes (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL UNIQUE REFERENCES customers(id) ON DELETE CASCADE
);

CREATE TABLE segments (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  rule        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  members     INTEGER NOT NULL DEFAULT 0,
  evaluated_at INTEGER
);

CREATE TABLE segment_members (
  segment_id  INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  since       INTEGER NOT NULL,
  PRIMARY KEY (segment_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX segment_members_customer ON segment_members(customer_id);

-- Every entry and exit, with the time it was seen (campaigns trigger on these).
CREATE TABLE segment_history (
  id          INTEGER PRIMARY KEY,
  segment_id  INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  change      TEXT NOT NULL CHECK (change = 'enter' OR change = 'exit'),
  at          INTEGER NOT NULL
);
CREATE INDEX segment_history_segment ON segment_history(segment_id, id);
CREATE INDEX segment_history_customer ON segment_history(customer_id, id);

-- Size of each segment after every evaluation (size over time).
CREATE TABLE segment_sizes (
  segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  members    INTEGER NOT NULL,
  PRIMARY KEY (segment_id, at)
) WITHOUT ROWID;

-- Marketing spend by day, channel and campaign (`vafa import spend`); re-importing a day's row
-- replaces it.
CREATE TABLE marketing_spend (
  id           INTEGER PRIMARY KEY,
  day          INTEGER NOT NULL,
  channel      TEXT NOT NULL,
  campaign     TEXT NOT NULL DEFAULT '',
  currency     TEXT NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  import_run   INTEGER REFERENCES import_runs(id),
  UNIQUE (day, channel, campaign, currency)
);
