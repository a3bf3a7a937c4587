-- Finished sign-ups by age, so the retention purge finds the old ones without reading the log.
CREATE INDEX signup_txn_finished ON signup_txn (updated_at)
  WHERE state IN ('DONE', 'ABORTED');
