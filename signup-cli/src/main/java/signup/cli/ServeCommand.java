package signup.cli;

import picocli.CommandLine.Command;

/**
 * Runs one service in the foreground, for running the three as separate processes. Each
 * server's own command is added under the names {@code orchestrator}, {@code client} and
 * {@code subscription} by {@link SignupCli#commandLine}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run one service: orchestrator, client or subscription.")
final class ServeCommand {}
