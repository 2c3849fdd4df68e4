-- 0010: the loyalty club's ledger (docs/loyalty.md). Double entry: every movement of points is
-- a transaction of two or more immutable entries that sum to zero. Customer accounts are
-- 'pending' and 'available' (with the customer's row); the shop's are 'issued', 'redeemed' and
-- 'expired' (customer NULL). A transaction's (kind, cause) is unique, so a job or a retried
-- request can never post the same movement twice.

CREATE TABLE loyalty_txns (
  id       INTEGER PRIMARY KEY,
  kind     TEXT NOT NULL,  -- earn, bonus, mature, redeem, expire, adjust, reverse, transfer
  cause    TEXT NOT NULL,  -- 'order:O1', 'event:E7', 'lot:12', 'adjust:<uuid>'...
  customer INTEGER REFERENCES customers(id),
  at       INTEGER NOT NULL,
  note     TEXT NOT NULL DEFAULT '',
  UNIQUE (kind, cause)
);
CREATE INDEX loyalty_txns_customer ON loyalty_txns(customer, id);

CREATE TABLE loyalty_entries (
  txn      INTEGER NOT NULL REFERENCES loyalty_txns(id),
  account  TEXT NOT NULL CHECK (account IN ('pending', 'available', 'issued', 'redeemed',
                                            'expired')),
  customer INTEGER REFERENCES customers(id),
  points   INTEGER NOT NULL,
  CHECK ((account IN ('pending', 'available')) = (customer IS NOT NULL))
);
CREATE INDEX loyalty_entries_txn ON loyalty_entries(txn);

-- Points earned together, spent and expired first-in-first-out. remaining is what is left of
-- them in the customer's pending or available account.
CREATE TABLE loyalty_lots (
  id           INTEGER PRIMARY KEY,
  customer     INTEGER NOT NULL REFERENCES customers(id),
  txn          INTEGER NOT NULL REFERENCES loyalty_txns(id),
  points       INTEGER NOT NULL CHECK (points > 0),
  remaining    INTEGER NOT NULL CHECK (remaining >= 0),
  state        TEXT NOT NULL CHECK (state IN ('pending', 'available')),
  available_at INTEGER NOT NULL,
  expires_at   INTEGER  -- NULL: never
);
CREATE INDEX loyalty_lots_customer ON loyalty_lots(customer, state, id);
CREATE INDEX loyalty_lots_pending ON loyalty_lots(available_at) WHERE state = 'pending';
CREATE INDEX loyalty_lots_expiring ON loyalty_lots(expires_at)
  WHERE state = 'available' AND remaining > 0 AND expires_at IS NOT NULL;

-- Balances kept with every posting (derived; `vafa loyalty check` recomputes them from the
-- entries).
CREATE TABLE loyalty_balances (
  customer  INTEGER PRIMARY KEY REFERENCES customers(id),
  pending   INTEGER NOT NULL DEFAULT 0,
  available INTEGER NOT NULL DEFAULT 0,
  earned    INTEGER NOT NULL DEFAULT 0,  -- lifetime, into pending or available from 'issued'
  redeemed  INTEGER NOT NULL DEFAULT 0,
  expired   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
