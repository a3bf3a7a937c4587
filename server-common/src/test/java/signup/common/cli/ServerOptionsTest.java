package signup.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import signup.common.domain.Retention;
import signup.common.grpc.ConnectionPolicy;

class ServerOptionsTest {
  @Command(name = "serve")
  static final class Serve implements Runnable {
    @Mixin ServerOptions options;

    @Override
    public void run() {}
  }

  @Test
  void flagsSetTheBindAddressAndDataDirectory() {
    Serve serve = new Serve();
    new CommandLine(serve).parseArgs("--bind", "0.0.0.0", "--data-dir", "/var/lib/signup");

    assertEquals("0.0.0.0", serve.options.bind());
    assertEquals(Path.of("/var/lib/signup"), serve.options.dataDir());
  }

  @Test
  void databaseFileIsResolvedAgainstTheDataDirectory() {
    Serve serve = new Serve();
    new CommandLine(serve).parseArgs("--data-dir", "/var/lib/signup");

    assertEquals(Path.of("/var/lib/signup/client.db"), serve.options.resolve(Path.of("client.db")));
    assertEquals(Path.of("/elsewhere/x.db"), serve.options.resolve(Path.of("/elsewhere/x.db")));
  }

  /** A server whose protocol needs 35 s of retention. */
  @Command(name = "serve")
  static final class Retaining implements Runnable {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;
    Retention retention;

    @Override
    public void run() {
      retention = options.retention(spec, Duration.ofSeconds(35),
          "--reservation-ttl + --sweep-interval");
    }
  }

  @Test
  void theRetentionIsSevenDaysUnlessToldOtherwise() {
    Retaining defaults = new Retaining();
    assertEquals(0, new CommandLine(defaults).execute());
    Retaining told = new Retaining();
    assertEquals(0, new CommandLine(told).execute("--retention", "PT35S"));

    assertEquals(Retention.DEFAULT, defaults.retention);
    assertEquals(new Retention(Duration.ofSeconds(35)), told.retention);
  }

  @Test
  void aRetentionShorterThanTheProtocolNeedsIsAUsageErrorNamingTheOptionAndTheMinimum() {
    StringWriter err = new StringWriter();
    Retaining retaining = new Retaining();
    CommandLine command = new CommandLine(retaining).setErr(new PrintWriter(err, true));

    assertEquals(2, command.execute("--retention", "PT34S"));

    assertEquals("--retention must be at least PT35S (--reservation-ttl + --sweep-interval), "
        + "not PT34S", err.toString().lines().findFirst().orElseThrow());
    assertEquals(null, retaining.retention);
    assertEquals(2, command.execute("--retention", "PT0S"));
    assertEquals(2, command.execute("--retention", "a week"));
    assertTrue(err.toString().contains("SIGNUP_RETENTION"), "the usage names the variable");
  }

  @Test
  void connectionLimitsDefaultToThePolicysDefaults() {
    Serve serve = new Serve();
    CommandLine commandLine = new CommandLine(serve);
    commandLine.parseArgs();

    assertEquals(ConnectionPolicy.DEFAULTS,
        serve.options.connectionPolicy(commandLine.getCommandSpec()));
  }

  @Test
  void connectionLimitsComeFromTheFlags() {
    Serve serve = new Serve();
    CommandLine commandLine = new CommandLine(serve);
    commandLine.parseArgs("--max-connections", "50", "--max-connection-idle", "PT30S",
        "--max-connection-age", "PT1H", "--handshake-timeout", "PT2S");

    ConnectionPolicy policy = serve.options.connectionPolicy(commandLine.getCommandSpec());

    assertEquals(50, policy.maxConnections());
    assertEquals(Duration.ofSeconds(30), policy.maxIdle());
    assertEquals(Duration.ofHours(1), policy.maxAge());
    assertEquals(Duration.ofSeconds(2), policy.handshakeTimeout());
  }

  @Test
  void aConnectionLimitOfZeroIsAUsageError() {
    Serve serve = new Serve();
    CommandLine commandLine = new CommandLine(serve);
    commandLine.parseArgs("--max-connections", "0");

    ParameterException refused = assertThrows(ParameterException.class,
        () -> serve.options.connectionPolicy(commandLine.getCommandSpec()));
    assertTrue(refused.getMessage().contains("--max-connections"), refused.getMessage());
  }
}
