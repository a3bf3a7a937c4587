package signup.cli.crash;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import signup.cli.crash.SignupDriver.Answer;
import signup.cli.crash.SignupDriver.Seen;
import signup.cli.crash.Snapshot.LogRow;

/**
 * Holds what the caller saw against what the files say, once everything has settled. Every
 * problem is listed with the request it concerns, so a failure says what went wrong where.
 */
final class Verdict {
  int acknowledged;
  int rejected;
  int unknown;
  int unknownCommitted;
  int unknownAborted;
  /** Acknowledged (or decided DONE) but not confirmed in both files. */
  int lost;
  /** A row in one participant without its twin, or left behind by an aborted sign-up. */
  int orphans;
  /** A definite answer the files contradict (a refused sign-up that exists, say). */
  int wrong;
  final List<String> problems = new ArrayList<>();

  /** Adds another verdict's counts and problems to these: the figures of several runs. */
  void add(Verdict other) {
    acknowledged += other.acknowledged;
    rejected += other.rejected;
    unknown += other.unknown;
    unknownCommitted += other.unknownCommitted;
    unknownAborted += other.unknownAborted;
    lost += other.lost;
    orphans += other.orphans;
    wrong += other.wrong;
    problems.addAll(other.problems);
  }

  /**
   * @param first what each request got the first time
   * @param reAsked for each unknown one, the answer to the same request_id after recovery
   */
  static Verdict judge(List<Answer> first, Map<String, Answer> reAsked, Snapshot files) {
    Verdict v = new Verdict();
    for (Answer answer : first) {
      String requestId = answer.planned().request().getRequestId();
      switch (answer.seen()) {
        case ACKNOWLEDGED -> {
          v.acknowledged++;
          v.checkCommitted(answer, files, "acknowledged");
        }
        case REJECTED -> {
          v.rejected++;
          v.checkNothingCreated(answer, files, "rejected with " + answer.code());
        }
        case UNKNOWN -> {
          v.unknown++;
          Answer again = reAsked.get(requestId);
          if (again == null) {
            v.wrong(requestId, "unknown outcome never re-asked");
          } else if (again.seen() == Seen.ACKNOWLEDGED) {
            v.unknownCommitted++;
            v.checkCommitted(again, files, "unknown (" + answer.code() + "), re-ask OK");
          } else {
            v.unknownAborted++;
            v.checkNothingCreated(again, files,
                "unknown (" + answer.code() + "), re-ask " + again.code());
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    v.checkEveryDecision(files);
    return v;
  }

  private void checkCommitted(Answer answer, Snapshot files, String how) {
    String requestId = answer.planned().request().getRequestId();
    String clientId = answer.clientId();
    if (!files.clientConfirmed(clientId) || !files.subscriptionActive(clientId)) {
      lost(requestId, how + " but client " + clientId + " is "
          + files.clientStatus().get(clientId) + " / subscription "
          + files.subscriptionStatus().get(clientId));
    }
    LogRow row = files.logByRequestId().get(requestId);
    if (row == null || !"DONE".equals(row.state()) || !clientId.equals(row.clientId())) {
      wrong(requestId, how + " but the log says " + row);
    }
    String email = answer.planned().request().getEmail().strip().toLowerCase();
    if (!email.equals(files.clientEmail().get(clientId))) {
      wrong(requestId, how + " but client " + clientId + " has another e-mail");
    }
  }

  private void checkNothingCreated(Answer answer, Snapshot files, String how) {
    String requestId = answer.planned().request().getRequestId();
    LogRow row = files.logByRequestId().get(requestId);
    if (answer.code() == Status.Code.INVALID_ARGUMENT) {
      if (answer.planned().valid() || row != null) {
        wrong(requestId, how + " for a valid request, or logged: " + row);
      }
      return;
    }
    if (!answer.planned().valid()) {
      wrong(requestId, how + " for a request with a bad region");
    }
    if (row == null || !"ABORTED".equals(row.state())) {
      wrong(requestId, how + " but the log says " + row);
    } else if (files.anyRowOf(row.clientId())) {
      orphan(requestId, how + " but client " + row.clientId() + " left "
          + files.clientStatus().get(row.clientId()) + " / "
          + files.subscriptionStatus().get(row.clientId()));
    }
  }

  /** Every decision in the log, whoever saw it, holds in both files, and nothing else exists. */
  private void checkEveryDecision(Snapshot files) {
    for (LogRow row : files.logByClientId().values()) {
      boolean client = files.clientConfirmed(row.clientId());
      boolean subscription = files.subscriptionActive(row.clientId());
      switch (row.state()) {
        case "DONE" -> {
          if (!client || !subscription) {
            lost(row.txnId(), "DONE in the log, client confirmed " + client
                + ", subscription active " + subscription);
          }
        }
        case "ABORTED" -> {
          if (files.anyRowOf(row.clientId())) {
            orphan(row.txnId(), "ABORTED in the log but rows remain");
          }
        }
        default -> wrong(row.txnId(), "still " + row.state() + " after recovery");
      }
    }
    for (String clientId : files.clientStatus().keySet()) {
      if (!files.logByClientId().containsKey(clientId)) {
        orphan(clientId, "client without any sign-up in the log");
      }
      if (files.clientConfirmed(clientId) && !files.subscriptionActive(clientId)) {
        orphan(clientId, "confirmed client without an active subscription");
      }
    }
    for (String clientId : files.subscriptionStatus().keySet()) {
      if (!files.logByClientId().containsKey(clientId)) {
        orphan(clientId, "subscription without any sign-up in the log");
      }
      if (files.subscriptionActive(clientId) && !files.clientConfirmed(clientId)) {
        orphan(clientId, "active subscription without a confirmed client");
      }
    }
  }

  private void lost(String id, String what) {
    lost++;
    note("LOST", id, what);
  }

  private void orphan(String id, String what) {
    orphans++;
    note("ORPHAN", id, what);
  }

  private void wrong(String id, String what) {
    wrong++;
    note("WRONG", id, what);
  }

  private void note(String kind, String id, String what) {
    if (problems.size() < 50) {
      problems.add(kind + " " + id + ": " + what);
    }
  }
}
