-- 0003: running totals, so `vafa stats` reads a handful of rows instead of scanning every table.
-- The store adds each transaction's changes to them before it commits (sqlite_store.cpp), so they
-- are exactly as durable as the rows they count. Names: customers, orders, order_lines, returns,
-- guest_orders, products, events, rejected_rows, revenue:<currency> (placed orders, minor units),
-- first_order and last_order (Unix seconds), extremes_stale (1 when first/last must be rescanned).
CREATE TABLE store_totals (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO store_totals SELECT 'customers', COUNT(*) FROM customers;
INSERT INTO store_totals SELECT 'orders', COUNT(*) FROM orders;
INSERT INTO store_totals SELECT 'order_lines', COUNT(*) FROM order_lines;
INSERT INTO store_totals SELECT 'returns', COUNT(*) FROM orders WHERE status <> 'placed';
INSERT INTO store_totals SELECT 'guest_orders', COUNT(*) FROM orders WHERE customer_id IS NULL;
INSERT INTO store_totals SELECT 'products', COUNT(*) FROM products;
INSERT INTO store_totals SELECT 'events', COUNT(*) FROM events;
INSERT INTO store_totals SELECT 'rejected_rows', COUNT(*) FROM rejected_rows;
INSERT INTO store_totals
  SELECT 'revenue:' || currency, SUM(total_minor) FROM orders WHERE status = 'placed' GROUP BY currency;
INSERT INTO store_totals SELECT 'first_order', MIN(placed_at) FROM orders HAVING COUNT(*) > 0;
INSERT INTO store_totals SELECT 'last_order', MAX(placed_at) FROM orders HAVING COUNT(*) > 0;
