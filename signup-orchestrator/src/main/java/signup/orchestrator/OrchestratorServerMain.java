package signup.orchestrator;

import picocli.CommandLine;

/** The orchestrator's own main: see {@link OrchestratorServerCommand}. */
public final class OrchestratorServerMain {
  private OrchestratorServerMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new OrchestratorServerCommand()).execute(args));
  }
}
