package signup.client;

import picocli.CommandLine;

/** {@code java -jar client-server.jar}: see {@link ClientServerCommand}. */
public final class ClientServerMain {
  private ClientServerMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClientServerCommand()).execute(args));
  }
}
