package signup.cli.crash;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseLocation.PostgresServer;
import signup.common.store.TestPostgres;

/**
 * The three services' stores, as the harness reads them (through
 * {@link DatabaseLocation#openReadOnly()}, as {@code signup audit} does) and as the services are
 * told of them: the SQLite files of one data directory, or a PostgreSQL database per service
 * that all replicas of the service share.
 */
record Stores(DatabaseLocation client, DatabaseLocation subscription,
    DatabaseLocation orchestrator) {

  /** client.db, subscription.db and orchestrator.db in {@code dataDir}, as {@code up} has them. */
  static Stores sqlite(Path dataDir) {
    return new Stores(DatabaseLocation.sqlite(dataDir.resolve("client.db")),
        DatabaseLocation.sqlite(dataDir.resolve("subscription.db")),
        DatabaseLocation.sqlite(dataDir.resolve("orchestrator.db")));
  }

  /** Three new, empty databases on {@code server}, one a service, as an operator gives them. */
  static Stores postgres(TestPostgres server) {
    return new Stores(server.createDatabase(), server.createDatabase(),
        server.createDatabase());
  }

  /** The store of {@code service} (client, subscription or orchestrator). */
  DatabaseLocation of(String service) {
    return switch (service) {
      case "client" -> client;
      case "subscription" -> subscription;
      case "orchestrator" -> orchestrator;
      default -> throw new IllegalArgumentException("no service " + service);
    };
  }

  boolean onPostgres() {
    return client instanceof PostgresServer;
  }

  /** How a human would name them in a report: "SQLite files" or "PostgreSQL". */
  String kind() {
    return onPostgres() ? "PostgreSQL" : "SQLite files";
  }

  /**
   * The options that point {@code signup audit} at these stores: the data directory holding the
   * files, or each service's database URL (the login in the URL, as the test server asks for no
   * password; an operator gives it through CLIENT_DB_USER and the like).
   */
  List<String> auditOptions() {
    if (!onPostgres()) {
      return List.of("--data-dir",
          ((DatabaseLocation.SqliteFile) client).file().getParent().toString());
    }
    List<String> options = new ArrayList<>();
    for (String service : ProcessCluster.SERVICES) {
      PostgresServer db = (PostgresServer) of(service);
      options.add("--" + service + "-db-url");
      options.add(db.url() + "?user=" + db.user());
    }
    return options;
  }

  @Override
  public String toString() {
    return client.describe() + ", " + subscription.describe() + ", " + orchestrator.describe();
  }
}
