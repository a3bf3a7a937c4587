package signup.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import signup.common.cli.DatabaseOptions;
import signup.common.cli.DurationConverter;
import signup.common.store.DatabaseLocation;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Check the databases directly: every confirmed client has an active "
        + "subscription and the reverse, and no pending row is older than --max-pending-age.",
        "The SQLite files in --data-dir, or the PostgreSQL databases the --*-db-url options "
            + "name (the login from env CLIENT_DB_USER, CLIENT_DB_PASSWORD or "
            + "CLIENT_DB_PASSWORD_FILE, and the same for SUBSCRIPTION_ and ORCHESTRATOR_).",
        "Exit code 0 only when consistent, 7 when not."})
final class AuditCommand implements Callable<Integer> {
  private static final int SHOWN = 20;

  @Spec CommandSpec spec;

  @Option(names = "--data-dir", defaultValue = "${env:SIGNUP_DATA_DIR:-./data}",
      description = "Directory holding client.db, subscription.db and orchestrator.db. "
          + "Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--max-pending-age", defaultValue = "PT2M", converter = DurationConverter.class,
      description = "How old a pending row may be: its TTL plus a recovery period. "
          + "Default: ${DEFAULT-VALUE}.")
  Duration maxPendingAge;

  @Option(names = "--client-db-url", defaultValue = "${env:CLIENT_DB_URL}",
      description = "client-server's PostgreSQL database, jdbc:postgresql://host:port/database "
          + "(env CLIENT_DB_URL). Default: client.db in --data-dir.")
  String clientUrl;

  @Option(names = "--subscription-db-url", defaultValue = "${env:SUBSCRIPTION_DB_URL}",
      description = "subscription-server's PostgreSQL database (env SUBSCRIPTION_DB_URL). "
          + "Default: subscription.db in --data-dir.")
  String subscriptionUrl;

  @Option(names = "--orchestrator-db-url", defaultValue = "${env:ORCHESTRATOR_DB_URL}",
      description = "The orchestrator's PostgreSQL database (env ORCHESTRATOR_DB_URL). "
          + "Default: orchestrator.db in --data-dir, if there is one.")
  String orchestratorUrl;

  /** Where the database logins are read from: the process's environment, a map in tests. */
  Map<String, String> env = System.getenv();

  @Option(names = "--json", description = "Print the report as JSON.") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    DatabaseLocation clients = DatabaseOptions.location(spec, env, "CLIENT", clientUrl,
        dataDir.resolve("client.db"));
    DatabaseLocation subscriptions = DatabaseOptions.location(spec, env, "SUBSCRIPTION",
        subscriptionUrl, dataDir.resolve("subscription.db"));
    DatabaseLocation orchestrator = DatabaseOptions.location(spec, env, "ORCHESTRATOR",
        orchestratorUrl, dataDir.resolve("orchestrator.db"));
    if (orchestrator instanceof DatabaseLocation.SqliteFile file
        && !Files.exists(file.file())) {
      orchestrator = null; // no sign-up log yet: nothing unfinished in it
    }
    Auditor.Report report;
    try {
      report = new Auditor(clients, subscriptions, orchestrator, maxPendingAge)
          .run(Instant.now());
    } catch (SQLException e) {
      spec.commandLine().getErr().println("error: cannot audit: " + firstLine(e.getMessage()));
      return ExitCodes.FAILED;
    }
    if (json) {
      out.println(json(report));
    } else {
      out.printf("confirmed clients:               %d%n", report.confirmedClients());
      out.printf("active subscriptions:            %d%n", report.activeSubscriptions());
      section(out, "clients without a subscription", report.clientsWithoutSubscription());
      section(out, "subscriptions without a client", report.subscriptionsWithoutClient());
      section(out, "stale pending clients", report.stalePendingClients());
      section(out, "stale pending subscriptions", report.stalePendingSubscriptions());
      section(out, "unfinished sign-ups", report.unfinishedSignups());
      out.println(report.consistent() ? "consistent" : "INCONSISTENT");
    }
    return report.consistent() ? ExitCodes.OK : ExitCodes.INCONSISTENT;
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message);
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  private static void section(PrintWriter out, String title, List<String> ids) {
    out.printf("%-32s %d%n", title + ":", ids.size());
    ids.stream().limit(SHOWN).forEach(id -> out.println("  " + id));
    if (ids.size() > SHOWN) {
      out.println("  ... and " + (ids.size() - SHOWN) + " more");
    }
  }

  private static String json(Auditor.Report r) {
    return "{\"consistent\": " + r.consistent()
        + ", \"confirmedClients\": " + r.confirmedClients()
        + ", \"activeSubscriptions\": " + r.activeSubscriptions()
        + ", \"clientsWithoutSubscription\": " + array(r.clientsWithoutSubscription())
        + ", \"subscriptionsWithoutClient\": " + array(r.subscriptionsWithoutClient())
        + ", \"stalePendingClients\": " + array(r.stalePendingClients())
        + ", \"stalePendingSubscriptions\": " + array(r.stalePendingSubscriptions())
        + ", \"unfinishedSignups\": " + array(r.unfinishedSignups()) + "}";
  }

  private static String array(List<String> ids) {
    return ids.stream().map(id -> "\"" + id + "\"")
        .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
  }
}
