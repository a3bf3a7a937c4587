package signup.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import signup.cli.SignupCli;
import signup.orchestrator.SignupSystem;
import signup.orchestrator.v1.SignupResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The {@code signup} command line against the three real servers, read as a person would. */
class SignupCliTest {
  /** Distinctive, so that finding it anywhere in the output is a leak and not a coincidence. */
  private static final String PASSWORD = "Zebra-Quartz-7731";
  private static final AtomicInteger EMAILS = new AtomicInteger();

  @TempDir static Path dataDir;
  static SignupSystem system;

  @BeforeAll
  static void start() {
    system = SignupSystem.startAll(dataDir);
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  record Run(int exitCode, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** Runs the CLI in this JVM with the password on stdin; no output may ever show it. */
  private static Run run(String... args) {
    return runWithInput(PASSWORD + "\n", args);
  }

  private static Run runWithInput(String stdin, String... args) {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(
        stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    Run run = new Run(exitCode, out.toString(), err.toString());
    assertFalse(run.all().contains(PASSWORD), "the password was printed: " + run);
    return run;
  }

  private static String orchestrator() {
    return SignupSystem.target(system.orchestratorPort);
  }

  private static String clientServer() {
    return SignupSystem.target(system.clientPort);
  }

  /** The operator's credential: the internal token file the servers made in the data dir. */
  private static String internalTokenFile() {
    return dataDir.resolve("internal.token").toString();
  }

  private static String subscriptionServer() {
    return SignupSystem.target(system.subscriptionPort);
  }

  private static String newEmail() {
    return "cli-" + EMAILS.incrementAndGet() + "@example.com";
  }

  private static List<String> signupArgs(String email, String... extra) {
    List<String> args = new ArrayList<>(List.of("signup", "--target", orchestrator(),
        "--email", email, "--name", "Ada Lovelace", "--region", "US", "--device", "IOS",
        "--password-stdin"));
    args.addAll(List.of(extra));
    return args;
  }

  private static Run signup(String email, String... extra) {
    return run(signupArgs(email, extra).toArray(String[]::new));
  }

  private static SignupResponse parse(String json) throws InvalidProtocolBufferException {
    SignupResponse.Builder response = SignupResponse.newBuilder();
    JsonFormat.parser().merge(json, response);
    return response.build();
  }

  @Test
  void signupPrintsTheChosenPlanAndItsPriceForPeople() {
    String email = newEmail();

    Run run = signup(email);

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("Signed up " + email), run.out());
    assertTrue(run.out().contains("us-ios"), run.out());
    assertTrue(run.out().contains("9.99 USD"), run.out());
    assertEquals("", run.err());
  }

  @Test
  void signupWithJsonPrintsTheResponseAsParseableJson() throws Exception {
    String email = newEmail();

    Run run = signup(email, "--json");

    assertEquals(0, run.exitCode(), run.toString());
    SignupResponse response = parse(run.out());
    assertEquals(email, response.getClient().getEmail());
    assertEquals("us-ios", response.getSubscription().getPlan().getPlanId());
    assertEquals(999, response.getSubscription().getPlan().getPrice().getAmountMinor());
    assertFalse(response.getSignupId().isEmpty());
  }

  @Test
  void signingUpTheSameEmailTwiceExitsWithFourAndSaysAlreadyExists() {
    String email = newEmail();
    assertEquals(0, signup(email).exitCode());

    Run again = signup(email.toUpperCase(java.util.Locale.ROOT));

    assertEquals(4, again.exitCode(), again.toString());
    assertTrue(again.err().contains("ALREADY_EXISTS"), again.err());
    assertEquals("", again.out());
  }

  @Test
  void badInputExitsWithTwoAndNamesEveryBadField() {
    Run run = run("signup", "--target", orchestrator(), "--email", "not-an-email",
        "--name", "Ada Lovelace", "--region", "ZZ", "--device", "PHONE", "--password-stdin");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("INVALID_ARGUMENT"), run.err());
    assertTrue(run.err().contains("email:"), run.err());
    assertTrue(run.err().contains("region:"), run.err());
    assertTrue(run.err().contains("device:"), run.err());
    assertFalse(run.err().contains("name:"), run.err());
  }

  @Test
  void aMissingRequiredOptionIsAUsageErrorWithExitTwo() {
    Run run = run("signup", "--target", orchestrator(), "--name", "Ada Lovelace",
        "--region", "US", "--device", "IOS", "--password-stdin");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--email"), run.err());
  }

  @Test
  void anUnknownOptionOrAnUnreadableValueIsAUsageErrorWithExitTwo() {
    Run unknown = run("plans", "--target", subscriptionServer(), "--colour");
    Run badTimeout = run("plans", "--target", subscriptionServer(), "--timeout", "soon");

    assertEquals(2, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.err().contains("--colour"), unknown.err());
    assertEquals(2, badTimeout.exitCode(), badTimeout.toString());
    assertTrue(badTimeout.err().contains("--timeout"), badTimeout.err());
  }

  @Test
  void anEmptyStandardInputIsNoPasswordAndExitsWithTwo() {
    CommandLine cli = SignupCli.commandLine(new ByteArrayInputStream(new byte[0]));
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int exitCode = cli.execute(signupArgs(newEmail()).toArray(String[]::new));

    assertEquals(2, exitCode, err.toString());
    assertTrue(err.toString().contains("no password"), err.toString());
  }

  @Test
  void anUnreachableOrchestratorExitsWithFive() {
    int nobodyListens = SignupSystem.freePort();

    Run run = run("signup", "--target", SignupSystem.target(nobodyListens), "--email",
        newEmail(), "--name", "Ada Lovelace", "--region", "US", "--device", "IOS",
        "--password-stdin", "--timeout", "PT5S");

    assertEquals(5, run.exitCode(), run.toString());
    assertTrue(run.err().contains("UNAVAILABLE"), run.err());
  }

  @Test
  void withoutPasswordStdinOrAConsoleTheSignupIsRefusedWithExitTwo() {
    assumeTrue(System.console() == null, "a console would prompt for the password");
    String email = newEmail();

    Run run = run("signup", "--target", orchestrator(), "--email", email, "--name",
        "Ada Lovelace", "--region", "US", "--device", "IOS");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no password"), run.err());
    assertEquals(0, system.query("client.db",
        "SELECT count(*) FROM clients WHERE email = '" + email + "'"));
  }

  @Test
  void statusOfACompletedSignupShowsDone() throws Exception {
    String email = newEmail();
    String signupId = parse(signup(email, "--json").out()).getSignupId();

    Run run = run("status", "--target", orchestrator(), signupId, "--token-file",
        internalTokenFile());

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains(signupId), run.out());
    assertTrue(run.out().contains("DONE"), run.out());
    assertTrue(run.out().contains(email), run.out());
    assertTrue(run.out().contains("us-ios, 9.99 USD"), run.out());
  }

  @Test
  void statusWithoutATokenShowsTheStateButNothingAboutThePerson() throws Exception {
    String email = newEmail();
    SignupResponse signedUp = parse(signup(email, "--json").out());

    Run run = run("status", "--target", orchestrator(), signedUp.getSignupId());

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("DONE"), run.out());
    assertTrue(run.out().contains(signedUp.getClient().getClientId()), run.out());
    assertFalse(run.out().contains(email), run.out());
    assertFalse(run.out().contains("us-ios"), run.out());
  }

  @Test
  void loginPrintsTheTokenThatSubscribeThenUses() throws Exception {
    String email = newEmail();
    String clientId = parse(signup(email, "--json").out()).getClient().getClientId();

    Run login = run("login", "--target", clientServer(), "--email", email, "--password-stdin");
    assertEquals(0, login.exitCode(), login.toString());
    String token = login.out().strip();
    assertEquals(3, token.split("\\.").length, "a JWT alone on stdout: " + login.out());
    assertTrue(login.err().contains(clientId), login.err());

    Run subscribe = run("subscribe", "--target", subscriptionServer(), "--plan", "global",
        "--token", token);
    assertEquals(0, subscribe.exitCode(), subscribe.toString());
    assertTrue(subscribe.out().contains(clientId + " is on plan global"), subscribe.out());
    assertTrue(subscribe.out().contains("4.99 USD"), subscribe.out());
  }

  @Test
  void loginWithJsonPrintsTheTokenItsExpiryAndTheClient() throws Exception {
    String email = newEmail();
    signup(email);

    Run login = run("login", "--target", clientServer(), "--email", email, "--password-stdin",
        "--json");

    assertEquals(0, login.exitCode(), login.toString());
    var response = signup.client.v1.LoginResponse.newBuilder();
    JsonFormat.parser().merge(login.out(), response);
    assertEquals("Bearer", response.getTokenType());
    assertTrue(response.getExpiresAt().getSeconds() > System.currentTimeMillis() / 1000);
  }

  @Test
  void aWrongPasswordAndAnUnknownEmailBothExitWithEightSayingTheSame() {
    String email = newEmail();
    signup(email);

    Run wrong = runWithInput("not-the-password\n", "login", "--target", clientServer(),
        "--email", email, "--password-stdin");
    Run unknown = run("login", "--target", clientServer(), "--email", newEmail(),
        "--password-stdin");

    assertEquals(8, wrong.exitCode(), wrong.toString());
    assertEquals(8, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.err().contains("UNAUTHENTICATED"), unknown.err());
    assertEquals(wrong.err(), unknown.err());
  }

  @Test
  void subscribeWithoutATokenOrWithAnotherClientsIsRefusedWithEight() throws Exception {
    String mine = newEmail();
    signup(mine);
    String othersId = parse(signup(newEmail(), "--json").out()).getClient().getClientId();
    String token = run("login", "--target", clientServer(), "--email", mine,
        "--password-stdin").out().strip();

    Run anonymous = run("subscribe", "--target", subscriptionServer(), "--plan", "global",
        "--client-id", othersId);
    Run other = run("subscribe", "--target", subscriptionServer(), "--plan", "global",
        "--client-id", othersId, "--token", token);

    assertEquals(8, anonymous.exitCode(), anonymous.toString());
    assertEquals(8, other.exitCode(), other.toString());
    assertTrue(other.err().contains("PERMISSION_DENIED"), other.err());
  }

  @Test
  void anOperatorMovesAnyClientWithTheInternalToken() throws Exception {
    String clientId = parse(signup(newEmail(), "--json").out()).getClient().getClientId();

    Run run = run("subscribe", "--target", subscriptionServer(), "--plan", "global",
        "--client-id", clientId, "--token-file", internalTokenFile());

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("plan global"), run.out());
  }

  @Test
  void statusByRequestIdFindsTheSignupItStarted() {
    String email = newEmail();
    String requestId = "cli-request-" + email;
    assertEquals(0, signup(email, "--request-id", requestId).exitCode());

    Run run = run("status", "--target", orchestrator(), "--request-id", requestId,
        "--token-file", internalTokenFile());

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("DONE"), run.out());
    assertTrue(run.out().contains(email), run.out());
  }

  @Test
  void statusOfAnUnknownSignupExitsWithSix() {
    Run run = run("status", "--target", orchestrator(), "no-such");

    assertEquals(6, run.exitCode(), run.toString());
    assertTrue(run.err().contains("NOT_FOUND"), run.err());
  }

  @Test
  void statusWithoutAnIdIsBadInput() {
    Run run = run("status", "--target", orchestrator());

    assertEquals(2, run.exitCode(), run.toString());
  }

  @Test
  void plansListsEveryPlanWithItsPrice() {
    Run run = run("plans", "--target", subscriptionServer());

    assertEquals(0, run.exitCode(), run.toString());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("us-ios ") && l.contains("9.99 USD")),
        run.out());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("us-android ")
        && l.contains("7.99 USD")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("global ") && l.contains("4.99 USD")),
        run.out());
  }

  @Test
  void quoteShowsThePlanASignupFromThatRegionAndDeviceWouldGet() {
    Run android = run("quote", "--target", subscriptionServer(), "--region", "us",
        "--device", "android");
    Run elsewhere = run("quote", "--target", subscriptionServer(), "--region", "FR",
        "--device", "IOS");

    assertEquals(0, android.exitCode(), android.toString());
    assertTrue(android.out().startsWith("us-android "), android.out());
    assertTrue(android.out().contains("7.99 USD"), android.out());
    assertEquals(0, elsewhere.exitCode(), elsewhere.toString());
    assertTrue(elsewhere.out().startsWith("global "), elsewhere.out());
  }

  @Test
  void helpListsTheCommandsAndExitsWithZero() {
    Run run = run("--help");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("Usage: signup"), run.out());
    for (String command : List.of("up", "serve", "signup", "login", "subscribe", "status",
        "plans", "quote", "audit")) {
      assertTrue(run.out().contains("  " + command + " ") || run.out().contains("  " + command
          + "\n"), command + " missing from: " + run.out());
    }
    assertTrue(run.out().contains("Exit codes:"), run.out());
  }

  @Test
  void subcommandHelpDescribesItsOptions() {
    Run run = run("signup", "--help");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("--password-stdin"), run.out());
    assertTrue(run.out().contains("--request-id"), run.out());
  }

  @Test
  void thePasswordIsNeverPrintedWhateverHappens() {
    String email = newEmail();
    // Each run checks both streams for the password; these cover success, JSON, refusal.
    List<Run> runs = List.of(
        signup(email),
        signup(email),
        signup(newEmail(), "--json"),
        signup(email, "--json"),
        run("signup", "--target", orchestrator(), "--email", "bad", "--name", "Ada",
            "--region", "US", "--device", "IOS", "--password-stdin"));

    assertEquals(List.of(0, 4, 0, 4, 2), runs.stream().map(Run::exitCode).toList());
    runs.forEach(r -> assertFalse(r.all().contains(PASSWORD), r.toString()));
  }
}
