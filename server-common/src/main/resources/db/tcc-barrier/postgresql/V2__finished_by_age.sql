-- Finished rows by age, so the retention purge finds the old ones without reading the table.
CREATE INDEX txn_barrier_finished ON txn_barrier (updated_at)
  WHERE state IN ('CONFIRMED', 'CANCELLED');
