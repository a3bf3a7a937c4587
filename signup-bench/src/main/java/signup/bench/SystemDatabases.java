package signup.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseLocation.PostgresServer;

/**
 * The databases of one benchmarked system and its local limit. On SQLite each service keeps its
 * file in the system's data directory, as it does by default, and the local limit has a file
 * beside them. On PostgreSQL each service has a schema of its own, which all its replicas share,
 * and so has the local limit: created here, empty, and dropped on close unless kept; each
 * service's migrations build its tables, as in production.
 */
final class SystemDatabases implements AutoCloseable {
  /** The services by the name {@code signup serve} gives them. */
  static final List<String> SERVICES = List.of("orchestrator", "client", "subscription");
  private static final String LOCAL_LIMIT = "local_limit";

  private final Map<String, PostgresServer> services;
  private final DatabaseLocation localLimit;
  private final PostgresServer server;
  private final String prefix;
  private final List<String> schemasToDrop;

  private SystemDatabases(Map<String, PostgresServer> services, DatabaseLocation localLimit,
      PostgresServer server, String prefix, List<String> schemasToDrop) {
    this.services = Map.copyOf(services);
    this.localLimit = localLimit;
    this.server = server;
    this.prefix = prefix;
    this.schemasToDrop = List.copyOf(schemasToDrop);
  }

  static SystemDatabases sqlite(Path dir) {
    return new SystemDatabases(Map.of(), DatabaseLocation.sqlite(dir.resolve("local-limit.db")),
        null, null, List.of());
  }

  /**
   * Creates a schema per service and one for the local limit in {@code server}'s database,
   * named {@code bench_<name>_<service>}.
   *
   * @throws SystemStartException when the server cannot be reached or refuses them
   */
  static SystemDatabases postgres(PostgresServer server, String name, boolean keep) {
    String prefix = "bench_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_";
    Map<String, PostgresServer> services = new LinkedHashMap<>();
    List<String> schemas = new ArrayList<>();
    for (String service : SERVICES) {
      schemas.add(prefix + service);
      services.put(service, inSchema(server, prefix + service));
    }
    schemas.add(prefix + LOCAL_LIMIT);
    try (Connection connection = connect(server);
        Statement statement = connection.createStatement()) {
      for (String schema : schemas) {
        statement.execute("CREATE SCHEMA " + schema);
      }
    } catch (SQLException e) {
      throw new SystemStartException("cannot create the benchmark's schemas (" + prefix
          + "*) in the PostgreSQL database at " + server.describe() + ": " + firstLine(e));
    }
    return new SystemDatabases(services, inSchema(server, prefix + LOCAL_LIMIT), server, prefix,
        keep ? List.of() : schemas);
  }

  /**
   * The PostgreSQL database of {@code service} (orchestrator, client, subscription); empty on
   * SQLite, where the service keeps its file in its data directory.
   */
  Optional<PostgresServer> service(String service) {
    return Optional.ofNullable(services.get(service));
  }

  DatabaseLocation localLimit() {
    return localLimit;
  }

  /** "SQLite files", "PostgreSQL schemas bench_1a2b3c4d_minimum_* at postgresql://...". */
  String describe() {
    if (server == null) {
      return "SQLite files";
    }
    return "PostgreSQL schemas " + prefix + "* at " + server.describe();
  }

  /**
   * Drops the schemas, unless kept.
   *
   * @throws IllegalStateException when they could not be dropped: the message names them
   */
  @Override
  public void close() {
    if (schemasToDrop.isEmpty()) {
      return;
    }
    try (Connection connection = connect(server);
        Statement statement = connection.createStatement()) {
      for (String schema : schemasToDrop) {
        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop the benchmark's schemas "
          + String.join(", ", schemasToDrop) + " at " + server.describe() + ": "
          + firstLine(e));
    }
  }

  /** The same server and login, with {@code schema} as the connection's current schema. */
  private static PostgresServer inSchema(PostgresServer server, String schema) {
    String url = server.url() + (server.url().contains("?") ? "&" : "?") + "currentSchema="
        + schema;
    return new PostgresServer(url, server.user(), server.password());
  }

  private static Connection connect(PostgresServer server) throws SQLException {
    Properties login = new Properties();
    if (!server.user().isEmpty()) {
      login.setProperty("user", server.user());
    }
    if (!server.password().isEmpty()) {
      login.setProperty("password", server.password());
    }
    login.setProperty("ApplicationName", "signup-bench");
    login.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(server.url(), login);
  }

  /** The driver's message, whose first line names the cause (and never the password). */
  private static String firstLine(SQLException e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
