package signup.common.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseLocation.PostgresServer;

/**
 * Where a server keeps its data, from its {@code --db-url} (or {@code --db-file}) and the
 * environment: a {@code jdbc:postgresql://} URL selects PostgreSQL, no URL keeps the SQLite
 * file. The login comes from the environment only, {@code <SERVICE>_DB_USER} and
 * {@code <SERVICE>_DB_PASSWORD} or {@code <SERVICE>_DB_PASSWORD_FILE}: never from a flag, which
 * {@code ps} would show to every user of the machine, nor from the URL.
 */
public final class DatabaseOptions {
  private DatabaseOptions() {}

  /**
   * @param service CLIENT, SUBSCRIPTION or ORCHESTRATOR: the prefix of the variables
   * @param url the --db-url given, null or blank for none
   * @param file the SQLite file, used when there is no URL
   */
  public static DatabaseLocation location(CommandSpec spec, Map<String, String> env,
      String service, String url, Path file) {
    if (url == null || url.isBlank()) {
      return DatabaseLocation.sqlite(file);
    }
    // The URL itself is never repeated in a message: it might hold a password.
    if (!PostgresServer.accepts(url.strip())) {
      throw new ParameterException(spec.commandLine(), "--db-url must be a "
          + PostgresServer.PREFIX + "host:port/database URL (env " + service + "_DB_URL); "
          + "without one the server keeps its SQLite file");
    }
    String user = env.getOrDefault(service + "_DB_USER", "");
    String password = password(spec, env, service);
    try {
      return new PostgresServer(url.strip(), user, password);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--db-url (env " + service
          + "_DB_URL): " + e.getMessage() + " (" + service + "_DB_PASSWORD or "
          + service + "_DB_PASSWORD_FILE)");
    }
  }

  private static String password(CommandSpec spec, Map<String, String> env, String service) {
    String inline = env.get(service + "_DB_PASSWORD");
    String fileName = env.get(service + "_DB_PASSWORD_FILE");
    if (inline != null && fileName != null) {
      throw new ParameterException(spec.commandLine(), service + "_DB_PASSWORD and " + service
          + "_DB_PASSWORD_FILE are both set: give the password one way");
    }
    if (fileName == null) {
      return inline == null ? "" : inline;
    }
    try {
      String content = Files.readString(Path.of(fileName), StandardCharsets.UTF_8);
      // A file written by echo or an editor ends with a newline that is no part of it.
      return content.endsWith("\n") ? content.stripTrailing() : content;
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), service + "_DB_PASSWORD_FILE "
          + fileName + " cannot be read: " + e.getClass().getSimpleName());
    }
  }
}
