-- 0012: loyalty tiers (docs/loyalty.md). A customer's tier, when they reached it, and since
-- when they have been below its threshold (a downgrade waits for a review date after the grace
-- period); every change is kept.

CREATE TABLE loyalty_tiers (
  customer    INTEGER PRIMARY KEY REFERENCES customers(id),
  tier        TEXT NOT NULL,
  since       INTEGER NOT NULL,
  below_since INTEGER,
  invited     INTEGER NOT NULL DEFAULT 0  -- set by an admin (invitation-only tiers)
) WITHOUT ROWID;

CREATE TABLE loyalty_tier_changes (
  id       INTEGER PRIMARY KEY,
  customer INTEGER NOT NULL REFERENCES customers(id),
  from_tier TEXT,
  to_tier  TEXT NOT NULL,
  at       INTEGER NOT NULL,
  reason   TEXT NOT NULL
);
CREATE INDEX loyalty_tier_changes_customer ON loyalty_tier_changes(customer, id);
