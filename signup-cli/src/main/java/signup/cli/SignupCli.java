package signup.cli;

import java.io.InputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import signup.client.ClientServerCommand;
import signup.common.cli.JavaLogging;
import signup.orchestrator.OrchestratorServerCommand;
import signup.subscription.SubscriptionServerCommand;

/** The {@code signup} command line: run the system, sign clients up, look, audit. */
@Command(name = "signup", mixinStandardHelpOptions = true, version = "signup 0.1.0",
    description = "Atomic sign-up across client-server and subscription-server.",
    subcommands = {
        UpCommand.class,
        ServeCommand.class,
        SignupCommand.class,
        LoginCommand.class,
        SubscribeCommand.class,
        StatusCommand.class,
        PlansCommand.class,
        QuoteCommand.class,
        AuditCommand.class,
        BenchCommand.class,
        HashBenchCommand.class,
        LocalLimitCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success (audit: consistent)",
        "1:failure",
        "2:bad input",
        "3:a server could not start",
        "4:already exists",
        "5:unavailable or too slow; retrying may help",
        "6:not found",
        "7:audit found an inconsistency",
        "8:not logged in, a bad access token, or not your account"})
public final class SignupCli {
  private final InputStream stdin;

  public SignupCli(InputStream stdin) {
    this.stdin = stdin;
  }

  InputStream stdin() {
    return stdin;
  }

  /** The command line with its real sub-commands, for main and for tests. */
  public static CommandLine commandLine(InputStream stdin) {
    CommandLine commandLine = new CommandLine(new SignupCli(stdin));
    CommandLine serve = commandLine.getSubcommands().get("serve");
    serve.addSubcommand("orchestrator", new OrchestratorServerCommand());
    serve.addSubcommand("client", new ClientServerCommand());
    serve.addSubcommand("subscription", new SubscriptionServerCommand());
    // picocli asks this mapper for usage errors too, so they must keep their own code.
    commandLine.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
        ? ExitCodes.BAD_INPUT : ExitCodes.FAILED);
    return commandLine;
  }

  public static void main(String[] args) {
    JavaLogging.routeToSlf4j();
    System.exit(commandLine(System.in).execute(args));
  }
}
