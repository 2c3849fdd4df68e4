-- 0016: what the dashboard and the report show, precomputed by `vafa refresh` (docs/dashboard.md):
-- one JSON document per view (overview per calendar, cohorts, CLV, pyramid, loyalty, segments),
-- read by one primary-key lookup per dashboard call. And the indexes the dashboard's customer
-- table sorts and pages on (keyset: value, then row id).

CREATE TABLE dashboard_views (
  name        TEXT PRIMARY KEY,
  as_of       INTEGER NOT NULL,
  computed_at INTEGER NOT NULL,
  body        TEXT NOT NULL CHECK (json_valid(body))
) WITHOUT ROWID;

CREATE INDEX customer_metrics_net_revenue ON customer_metrics(net_revenue_minor, customer_id);
CREATE INDEX customer_metrics_orders ON customer_metrics(orders, customer_id);
CREATE INDEX customer_metrics_score ON customer_metrics(score, customer_id);
CREATE INDEX customer_metrics_churn_risk ON customer_metrics(churn_risk, customer_id);
CREATE INDEX clv_predictions_clv ON clv_predictions(clv_minor, customer_id);
