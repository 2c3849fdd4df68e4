-- 0002: drop the index on orders(placed_at). Orders arrive in any time order, so keeping it cost
-- a random B-tree insert per order (a third of bulk-import time); queries by period scan orders
-- or use orders(customer_id, placed_at), and MIN/MAX(placed_at) is one scan.
DROP INDEX IF EXISTS orders_time;
