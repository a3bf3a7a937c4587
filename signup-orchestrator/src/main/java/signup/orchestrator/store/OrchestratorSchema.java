package signup.orchestrator.store;

import java.util.List;
import signup.common.store.DatabaseSpec;
import signup.common.store.Migration;

/** The orchestrator's log database: {@code orchestrator.db}. */
public final class OrchestratorSchema {
  /** "ORCH": marks the file as ours, so no other server opens it by mistake. */
  public static final int APPLICATION_ID = 0x4F524348;

  /**
   * Migration v2: finished rows by age, so the retention purge finds the old ones without
   * reading the log. (The purge's WHERE repeats this one's, or SQLite would not use the partial
   * index.)
   */
  static final String V2_FINISHED_INDEX = """
      CREATE INDEX signup_txn_finished ON signup_txn (updated_at)
        WHERE state IN ('DONE', 'ABORTED')
      """;

  public static final DatabaseSpec SPEC = new DatabaseSpec("orchestrator", APPLICATION_ID,
      List.of(new Migration(1, "sign-up transaction log", """
          CREATE TABLE signup_txn (
            txn_id            TEXT PRIMARY KEY,
            request_id        TEXT UNIQUE,
            fingerprint       TEXT,
            state             TEXT NOT NULL
                CHECK (state IN ('TRYING', 'COMMITTING', 'DONE', 'ABORTING', 'ABORTED')),
            client_id         TEXT,
            email             TEXT,
            name              TEXT,
            region            TEXT,
            device            TEXT,
            client_created_at INTEGER,
            subscription_id   TEXT,
            plan_id           TEXT,
            plan_name         TEXT,
            plan_region       TEXT,
            plan_device       TEXT,
            amount_minor      INTEGER,
            currency          TEXT,
            failure_kind      TEXT,
            failure_message   TEXT,
            created_at        INTEGER NOT NULL,
            updated_at        INTEGER NOT NULL,
            deadline_at       INTEGER NOT NULL
          );
          CREATE INDEX signup_txn_unfinished ON signup_txn (state, deadline_at)
            WHERE state IN ('TRYING', 'COMMITTING', 'ABORTING')
          """),
          new Migration(2, "finished sign-ups by age, for the retention purge",
              V2_FINISHED_INDEX)));

  private OrchestratorSchema() {}
}
