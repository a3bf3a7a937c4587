-- Finished rows by age, so the retention purge finds the old ones without reading the table.
-- TccBarrier's purge repeats this WHERE, or SQLite would not use the partial index.
CREATE INDEX txn_barrier_finished ON txn_barrier (updated_at)
  WHERE state IN ('CONFIRMED', 'CANCELLED');
