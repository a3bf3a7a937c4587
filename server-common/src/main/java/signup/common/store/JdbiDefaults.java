package signup.common.store;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.StatementExceptions.MessageRendering;

/** How every {@link Jdbi} of ours is set up, whichever database it talks to. */
final class JdbiDefaults {
  private JdbiDefaults() {}

  static Jdbi configure(Jdbi jdbi) {
    jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(false);
    // Jdbi puts every bound value into its exception messages by default; a password hash
    // must never reach a log that way. The database's own message ("UNIQUE constraint failed")
    // stays.
    jdbi.getConfig(StatementExceptions.class).setMessageRendering(MessageRendering.NONE);
    // Nor into a profile: Jdbi records each statement as a JFR event ("jdbi.statement") with
    // its bound values, so a recording of client-server would hold e-mails and password hashes.
    // The SQL stays; the values are cut to "…" (2 is the least Jdbi accepts: 0 makes it throw
    // while a recording runs, and would fail every write).
    jdbi.getConfig(SqlStatements.class).setJfrParamMaxLength(2);
    return jdbi;
  }
}
