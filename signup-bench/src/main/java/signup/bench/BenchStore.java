package signup.bench;

import java.nio.file.Path;
import java.util.Objects;
import signup.common.store.DatabaseLocation.PostgresServer;

/**
 * Where a benchmark keeps its databases: SQLite, a file per service in each system's directory
 * (the embedded default), or PostgreSQL, a schema per service and one for the local limit in the
 * database of a server the user gives or one the bench started for the run.
 */
public sealed interface BenchStore {
  BenchStore SQLITE = new Sqlite();

  /** "sqlite" or "postgresql", as reports name it. */
  String kind();

  /** For a person: which store and where, never a password. */
  String describe();

  /**
   * Makes the databases of one system and its local limit.
   *
   * @param dir the system's directory (its SQLite files, on SQLite)
   * @param name tells this system's schemas from every other's on the server (the run and the
   *     configuration)
   * @throws SystemStartException when the server does not take them
   */
  SystemDatabases databases(Path dir, String name);

  /** A SQLite file per service in the system's directory, as {@code signup up} keeps them. */
  record Sqlite() implements BenchStore {
    @Override
    public String kind() {
      return "sqlite";
    }

    @Override
    public String describe() {
      return "SQLite, a file per service (WAL, synchronous=FULL)";
    }

    @Override
    public SystemDatabases databases(Path dir, String name) {
      return SystemDatabases.sqlite(dir);
    }
  }

  /**
   * A schema per service and per local limit in the database {@code server}'s URL names; every
   * replica of a service shares the service's.
   *
   * @param origin how the server came, for the report: "given", "started by the bench"
   * @param keep whether the schemas outlive the run ({@code --keep-data}); dropped otherwise
   */
  record Postgres(PostgresServer server, String origin, boolean keep) implements BenchStore {
    public Postgres {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String kind() {
      return "postgresql";
    }

    @Override
    public String describe() {
      return "PostgreSQL at " + server.describe() + " (" + origin + "), a schema per service";
    }

    @Override
    public SystemDatabases databases(Path dir, String name) {
      return SystemDatabases.postgres(server, name, keep);
    }
  }
}
