package signup.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import signup.common.store.DatabaseLocation;
import signup.common.store.DatabaseLocation.PostgresServer;

class DatabaseOptionsTest {
  private static final String URL = "jdbc:postgresql://db.example:5432/client";

  @TempDir Path dir;

  @Command(name = "serve")
  static final class Serve implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {}
  }

  private final CommandSpec spec = specOf();

  private static CommandSpec specOf() {
    Serve serve = new Serve();
    new CommandLine(serve);
    return serve.spec;
  }

  @Test
  void withoutAUrlTheServerKeepsItsSqliteFile() {
    assertEquals(DatabaseLocation.sqlite(dir.resolve("client.db")),
        DatabaseOptions.location(spec, Map.of(), "CLIENT", null, dir.resolve("client.db")));
    assertEquals(DatabaseLocation.sqlite(dir.resolve("client.db")),
        DatabaseOptions.location(spec, Map.of(), "CLIENT", " ", dir.resolve("client.db")));
  }

  @Test
  void aPostgresqlUrlTakesTheLoginFromTheServicesVariables() {
    DatabaseLocation location = DatabaseOptions.location(spec,
        Map.of("CLIENT_DB_USER", "signup", "CLIENT_DB_PASSWORD", "pw",
            "SUBSCRIPTION_DB_PASSWORD", "not this one"), "CLIENT", URL, dir.resolve("c.db"));

    assertEquals(new PostgresServer(URL, "signup", "pw"), location);
  }

  @Test
  void thePasswordMayComeFromAFileWithoutItsTrailingNewline() throws Exception {
    Path secret = Files.writeString(dir.resolve("pw"), "from a file\n");

    DatabaseLocation location = DatabaseOptions.location(spec,
        Map.of("CLIENT_DB_PASSWORD_FILE", secret.toString()), "CLIENT", URL, dir.resolve("c.db"));

    assertEquals(new PostgresServer(URL, "", "from a file"), location);
  }

  @Test
  void aPasswordGivenTwoWaysOrAFileThatCannotBeReadIsAUsageError() {
    ParameterException both = assertThrows(ParameterException.class, () ->
        DatabaseOptions.location(spec, Map.of("CLIENT_DB_PASSWORD", "a",
            "CLIENT_DB_PASSWORD_FILE", "/x"), "CLIENT", URL, dir.resolve("c.db")));
    assertTrue(both.getMessage().contains("both set"), both.getMessage());

    ParameterException missing = assertThrows(ParameterException.class, () ->
        DatabaseOptions.location(spec, Map.of("CLIENT_DB_PASSWORD_FILE",
            dir.resolve("missing").toString()), "CLIENT", URL, dir.resolve("c.db")));
    assertTrue(missing.getMessage().contains("cannot be read"), missing.getMessage());
  }

  @Test
  void aUrlHoldingAPasswordOrOfAnotherKindIsRefusedWithoutRepeatingIt() {
    ParameterException withPassword = assertThrows(ParameterException.class, () ->
        DatabaseOptions.location(spec, Map.of(), "CLIENT", URL + "?password=s3cret",
            dir.resolve("c.db")));
    assertTrue(withPassword.getMessage().contains("CLIENT_DB_PASSWORD"),
        withPassword.getMessage());
    assertFalse(withPassword.getMessage().contains("s3cret"), withPassword.getMessage());

    ParameterException mysql = assertThrows(ParameterException.class, () ->
        DatabaseOptions.location(spec, Map.of(), "CLIENT", "jdbc:mysql://u:s3cret@db/client",
            dir.resolve("c.db")));
    assertTrue(mysql.getMessage().startsWith("--db-url must be a jdbc:postgresql://"),
        mysql.getMessage());
    assertFalse(mysql.getMessage().contains("s3cret"), mysql.getMessage());
  }
}
