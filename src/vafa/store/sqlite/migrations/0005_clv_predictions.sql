-- 0005: the CLV engine's per-customer predictions, written by `vafa clv predict --store` and read
-- by the other layers (analytics, API, dashboard) without refitting. Each run is kept for its
-- settings; the predictions table holds the latest run's rows only (a new run replaces them in
-- the same transaction). Times are in the run's unit; money in the currency's minor units.

CREATE TABLE clv_runs (
  id              INTEGER PRIMARY KEY,
  created_at      INTEGER NOT NULL,
  model           TEXT NOT NULL,
  params          TEXT NOT NULL,
  calibration_end INTEGER NOT NULL,
  unit            TEXT NOT NULL,
  horizon         REAL NOT NULL CHECK (horizon > 0),
  discount_rate   REAL NOT NULL CHECK (discount_rate >= 0),
  currency        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE clv_predictions (
  customer_id                INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
  run_id                     INTEGER NOT NULL REFERENCES clv_runs(id),
  frequency                  REAL NOT NULL,
  recency                    REAL NOT NULL,
  age                        REAL NOT NULL,
  p_alive                    REAL NOT NULL CHECK (p_alive >= 0 AND p_alive <= 1),
  expected_purchases         REAL NOT NULL CHECK (expected_purchases >= 0),
  expected_order_value_minor INTEGER,
  clv_minor                  INTEGER
);
CREATE INDEX clv_predictions_run ON clv_predictions(run_id);
