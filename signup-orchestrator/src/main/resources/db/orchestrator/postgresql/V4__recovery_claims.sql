-- Which orchestrator drives an unfinished sign-up, and until when: the request's replica while
-- it runs, then whichever replica's recovery claims it; the others leave it alone (SqlSignupLog).
ALTER TABLE signup_txn ADD COLUMN claimed_by TEXT;
ALTER TABLE signup_txn ADD COLUMN claimed_until BIGINT;
