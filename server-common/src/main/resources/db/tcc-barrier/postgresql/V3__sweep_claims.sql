-- Which sweeper works a reservation past its TTL, and until when: the sweepers of several
-- replicas sharing one database leave each other's reservations alone (TccBarrier).
ALTER TABLE txn_barrier ADD COLUMN swept_by TEXT;
ALTER TABLE txn_barrier ADD COLUMN swept_until BIGINT;
