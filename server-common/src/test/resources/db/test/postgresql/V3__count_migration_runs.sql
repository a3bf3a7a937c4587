-- Counts its own runs, so a test can tell whether a script ran more than once.
CREATE TABLE migration_runs (n INTEGER);
INSERT INTO migration_runs VALUES (1);
