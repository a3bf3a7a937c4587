-- The subscription's own created_at and updated_at, as its participant stores them (the reserve
-- answers both, the confirm stamps updated_at), so that a sign-up's reply shows the
-- subscription as GetSubscription does. NULL in rows written before. The twin of sqlite/V3.
ALTER TABLE signup_txn ADD COLUMN subscription_created_at BIGINT;
ALTER TABLE signup_txn ADD COLUMN subscription_updated_at BIGINT;
