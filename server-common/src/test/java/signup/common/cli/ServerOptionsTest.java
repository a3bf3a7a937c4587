package signup.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
}
