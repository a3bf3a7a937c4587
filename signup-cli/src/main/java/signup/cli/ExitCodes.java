package signup.cli;

import io.grpc.Status;
import signup.common.cli.ServerLauncher;

/** What the CLI's exit codes mean, so scripts can tell failures apart. */
public final class ExitCodes {
  public static final int OK = 0;
  /** Anything not listed below. */
  public static final int FAILED = 1;
  /** Bad input: a usage error or INVALID_ARGUMENT. */
  public static final int BAD_INPUT = 2;
  /** A server could not start (port taken, database not ours or not writable, no token). */
  public static final int CANNOT_START = ServerLauncher.EXIT_CANNOT_START;
  /** ALREADY_EXISTS: the e-mail is registered. */
  public static final int ALREADY_EXISTS = 4;
  /** UNAVAILABLE or DEADLINE_EXCEEDED: a server is down or too slow; retrying may help. */
  public static final int UNAVAILABLE = 5;
  /** NOT_FOUND. */
  public static final int NOT_FOUND = 6;
  /** {@code audit} found an inconsistency. */
  public static final int INCONSISTENT = 7;
  /** UNAUTHENTICATED or PERMISSION_DENIED: not logged in, a bad token, or not yours. */
  public static final int NOT_ALLOWED = 8;

  private ExitCodes() {}

  static int of(Status.Code code) {
    return switch (code) {
      case OK -> OK;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> BAD_INPUT;
      case ALREADY_EXISTS -> ALREADY_EXISTS;
      case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED -> UNAVAILABLE;
      case NOT_FOUND -> NOT_FOUND;
      case UNAUTHENTICATED, PERMISSION_DENIED -> NOT_ALLOWED;
      default -> FAILED;
    };
  }
}
