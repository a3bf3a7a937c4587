package signup.client.store;

import java.util.List;
import signup.common.store.DatabaseSpec;
import signup.common.store.SchemaScripts;
import signup.common.store.TccBarrier;

/** The client database: its identity, and its scripts in {@code db/client/<dialect>}. */
public final class ClientSchema {
  /** "CLNT": SQLite's application_id for this file, so no other server opens it by mistake. */
  public static final int APPLICATION_ID = 0x434C4E54;

  public static final SchemaScripts SCRIPTS = new SchemaScripts("client", "classpath:db/client");

  public static final DatabaseSpec SPEC = new DatabaseSpec("client", APPLICATION_ID,
      List.of(TccBarrier.SCRIPTS, SCRIPTS));

  private ClientSchema() {}
}
