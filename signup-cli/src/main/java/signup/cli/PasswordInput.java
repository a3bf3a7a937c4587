package signup.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A password from the first line of standard input, or typed at a prompt without echo. */
final class PasswordInput {
  private PasswordInput() {}

  /** The password, or null when there is none to be had (no --password-stdin, no console). */
  static String read(boolean fromStdin, InputStream stdin) throws IOException {
    if (fromStdin) {
      return new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))
          .readLine();
    }
    Console console = System.console();
    if (console == null) {
      return null;
    }
    char[] typed = console.readPassword("Password: ");
    return typed == null ? null : new String(typed);
  }
}
