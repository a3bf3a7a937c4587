package signup.common.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every server shares; each server adds its port and database file. */
public final class ServerOptions {
  @Option(names = "--bind", defaultValue = "${env:SIGNUP_BIND:-127.0.0.1}",
      description = "Address to listen on (env SIGNUP_BIND). Default: ${DEFAULT-VALUE}, this "
          + "machine only; 0.0.0.0 for every interface.")
  String bind;

  @Option(names = "--data-dir", defaultValue = "${env:SIGNUP_DATA_DIR:-./data}",
      description = "Directory of the SQLite files, created if missing (env SIGNUP_DATA_DIR). "
          + "Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  public String bind() {
    return bind;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A database file name is taken as relative to the data directory. */
  public Path resolve(Path dbFile) {
    return dataDir.resolve(dbFile);
  }
}
