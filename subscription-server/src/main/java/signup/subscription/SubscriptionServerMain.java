package signup.subscription;

import picocli.CommandLine;

/** {@code java -jar subscription-server.jar}: see {@link SubscriptionServerCommand}. */
public final class SubscriptionServerMain {
  private SubscriptionServerMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new SubscriptionServerCommand()).execute(args));
  }
}
