-- 0014: referrals, affiliates and order gifts (docs/loyalty.md).

-- A customer's referral code, made on first request.
CREATE TABLE referral_codes (
  customer   INTEGER PRIMARY KEY REFERENCES customers(id),
  code       TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Who referred whom; order_id is the referee's first qualifying order once credited (cleared
-- again if that order is cancelled or returned while the bonuses are pending).
CREATE TABLE referrals (
  referee     INTEGER PRIMARY KEY REFERENCES customers(id),
  referrer    INTEGER NOT NULL REFERENCES customers(id),
  code        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  order_id    TEXT,
  credited_at INTEGER,
  CHECK (referee <> referrer)
) WITHOUT ROWID;
CREATE INDEX referrals_referrer ON referrals(referrer, at);
CREATE INDEX referrals_order ON referrals(order_id) WHERE order_id IS NOT NULL;

CREATE TABLE affiliates (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  rate_bp    INTEGER NOT NULL CHECK (rate_bp >= 0 AND rate_bp <= 10000),
  active     INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);

-- The commission ledger: immutable movements, one per cause.
CREATE TABLE affiliate_entries (
  id               INTEGER PRIMARY KEY,
  affiliate        INTEGER NOT NULL REFERENCES affiliates(id),
  order_id         TEXT NOT NULL,
  kind             TEXT NOT NULL CHECK (kind = 'order' OR kind = 'return' OR kind = 'cancel'),
  cause            TEXT NOT NULL UNIQUE,
  at               INTEGER NOT NULL,
  currency         TEXT NOT NULL,
  sales_minor      INTEGER NOT NULL,
  rate_bp          INTEGER NOT NULL,
  commission_minor INTEGER NOT NULL
);
CREATE INDEX affiliate_entries_order ON affiliate_entries(order_id);
CREATE INDEX affiliate_entries_time ON affiliate_entries(at);

-- Gifts are free redemptions with a cause ('gift:ORDER:RULE'); voided with their order.
ALTER TABLE redemptions ADD COLUMN cause TEXT;
ALTER TABLE redemptions ADD COLUMN voided_at INTEGER;
CREATE UNIQUE INDEX redemptions_cause ON redemptions(cause) WHERE cause IS NOT NULL;

-- The daily birthday bonus finds the day's customers by month and day.
CREATE INDEX customers_birthday_day ON customers(substr(birthday, 6, 5)) WHERE birthday IS NOT NULL;
