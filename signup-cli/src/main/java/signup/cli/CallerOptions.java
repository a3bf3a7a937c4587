package signup.cli;

import io.grpc.CallCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import signup.common.security.BearerToken;
import signup.common.security.InternalToken;

/**
 * Who the CLI calls as: a client with the access token of {@code signup login}, an operator
 * with the internal token (from its file, or SIGNUP_INTERNAL_TOKEN), or anyone.
 */
final class CallerOptions {
  @Option(names = "--token", defaultValue = "${env:SIGNUP_ACCESS_TOKEN}",
      description = "Access token from 'signup login' (env SIGNUP_ACCESS_TOKEN, which keeps it "
          + "out of the process list).")
  String accessToken;

  @Option(names = "--token-file", defaultValue = "${env:SIGNUP_TOKEN_FILE}",
      description = "Call as an operator, with the internal token in this file (e.g. "
          + "data/internal.token; env SIGNUP_TOKEN_FILE, or env SIGNUP_INTERNAL_TOKEN for the "
          + "token itself).")
  Path internalTokenFile;

  /** The credentials to call with, or null to call as anyone. */
  CallCredentials credentials() {
    if (accessToken != null && !accessToken.isBlank()) {
      return new BearerToken(accessToken.strip());
    }
    String internal = System.getenv(InternalToken.ENV);
    if (internalTokenFile != null) {
      if (!Files.isReadable(internalTokenFile)) {
        throw new IllegalArgumentException("cannot read --token-file " + internalTokenFile);
      }
      return new BearerToken(InternalToken.load(java.util.Map.of(), internalTokenFile).value());
    }
    if (internal != null && !internal.isBlank()) {
      return new BearerToken(InternalToken.of(internal).value());
    }
    return null;
  }
}
