-- 0018: how many values an import dropped with a warning (an unknown country, a bad phone in an
-- optional column): the rows were kept, the values were not.
ALTER TABLE import_runs ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;
