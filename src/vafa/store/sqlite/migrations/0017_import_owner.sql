-- 0017: which process runs an import (host, pid and the process's start time), so that a run
-- left 'running' by a process that was killed is marked 'interrupted' by the next import or open.
-- Runs left 'running' before this column existed had no owner to check: they are interrupted.
ALTER TABLE import_runs ADD COLUMN owner TEXT;
UPDATE import_runs SET status = 'interrupted' WHERE status = 'running';
