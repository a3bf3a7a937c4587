package signup.orchestrator.store;

import java.util.List;
import signup.common.store.DatabaseSpec;
import signup.common.store.SchemaScripts;

/**
 * The orchestrator's log database, {@code orchestrator.db}: its identity, and its scripts in
 * {@code db/orchestrator/<dialect>}.
 */
public final class OrchestratorSchema {
  /** "ORCH": marks the file as ours, so no other server opens it by mistake. */
  public static final int APPLICATION_ID = 0x4F524348;


  public static final DatabaseSpec SPEC = new DatabaseSpec("orchestrator", APPLICATION_ID,
      List.of(new SchemaScripts("orchestrator", "classpath:db/orchestrator")));

  private OrchestratorSchema() {}
}
