-- 0013: returns through the API (docs/api.md). A return is an order document of its own
-- (status returned, negative quantities); order_returns links it to the order it returns from,
-- so later returns know what is left. loyalty_line_points keeps the points each order line
-- earned, so a return takes back exactly the points of the returned units.

CREATE TABLE order_returns (
  return_order INTEGER PRIMARY KEY REFERENCES orders(id),
  original     INTEGER NOT NULL REFERENCES orders(id)
);
CREATE INDEX order_returns_original ON order_returns(original);

CREATE TABLE loyalty_line_points (
  txn     INTEGER NOT NULL REFERENCES loyalty_txns(id),
  line_no INTEGER NOT NULL,  -- 0-based, in the order's line order
  points  INTEGER NOT NULL,
  PRIMARY KEY (txn, line_no)
) WITHOUT ROWID;

-- Points of a lot's earning already taken back by returns (from the lot or, when it was spent,
-- from other lots), so a later cancellation takes back only the rest.
ALTER TABLE loyalty_lots ADD COLUMN reversed INTEGER NOT NULL DEFAULT 0;
