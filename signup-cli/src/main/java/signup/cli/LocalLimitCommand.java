package signup.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import signup.bench.LocalLimitChild;

/**
 * The local limit's own JVM, which {@code signup bench} starts with the services' JVM options and
 * drives over stdin and stdout: a part of the bench, not a command for people (hidden from help).
 */
@Command(name = LocalLimitChild.COMMAND, hidden = true,
    description = "Run the benchmark's local limit as the bench tells it on stdin.")
final class LocalLimitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand SignupCli cli;

  @Override
  public Integer call() throws IOException, InterruptedException {
    return LocalLimitChild.serve(new ParticipantsLocalLimitParts(), cli.stdin(),
        spec.commandLine().getOut(), System.getenv());
  }
}
