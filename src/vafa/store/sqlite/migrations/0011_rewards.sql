-- 0011: the rewards catalogue and redemptions (docs/loyalty.md). Stock is taken with a
-- conditional UPDATE inside the redeeming transaction, so concurrent redemptions can never
-- take more units than there are; each redemption issues a unique voucher code.

CREATE TABLE rewards (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,   -- 'free-coffee'
  name         TEXT NOT NULL,
  cost         INTEGER NOT NULL CHECK (cost > 0),
  stock        INTEGER CHECK (stock IS NULL OR stock >= 0),  -- NULL: unlimited
  per_customer INTEGER CHECK (per_customer IS NULL OR per_customer > 0),
  valid_from   INTEGER,
  valid_until  INTEGER,
  voucher_days INTEGER CHECK (voucher_days IS NULL OR voucher_days > 0),
  active       INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL
);

CREATE TABLE redemptions (
  id         INTEGER PRIMARY KEY,
  reward     INTEGER NOT NULL REFERENCES rewards(id),
  customer   INTEGER NOT NULL REFERENCES customers(id),
  points     INTEGER NOT NULL,
  voucher    TEXT NOT NULL UNIQUE,
  at         INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX redemptions_customer ON redemptions(customer, reward);
