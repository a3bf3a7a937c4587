package signup.orchestrator.cli;

import picocli.CommandLine.Command;

/**
 * Runs one service in the foreground, for running the three as separate processes. The
 * participants' own commands are added under the names {@code client} and {@code subscription}
 * by {@link SignupCli#commandLine}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run one service: orchestrator, client or subscription.",
    subcommands = {OrchestratorCommand.class})
final class ServeCommand {}
