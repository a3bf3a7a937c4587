package signup.common.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JFR profile of a server (how BENCHMARKS.md finds where the time goes) must not carry what
 * the statements bind: e-mails, password hashes.
 */
class NoBoundValuesInProfilesTest {
  private static final String SECRET = "$argon2id$v=19$m=8,t=1,p=1$c2VjcmV0LXNhbHQ$not-a-real-hash";

  @TempDir Path dir;

  @Test
  void statementEventsInAFlightRecordingHoldTheSqlButNotTheBoundValues() throws Exception {
    Path jfr = dir.resolve("profile.jfr");
    try (SqliteDatabase db = SqliteDatabase.open(TestDatabases.spec(), dir.resolve("p.db"));
        Recording recording = new Recording()) {
      recording.enable("jdbi.statement");
      recording.start();
      db.write(h -> h.createUpdate("INSERT INTO items (name) VALUES (:name)")
          .bind("name", SECRET)
          .execute());
      db.read(h -> h.createQuery("SELECT count(*) FROM items WHERE name = :name")
          .bind("name", SECRET)
          .mapTo(Long.class)
          .one());
      recording.stop();
      recording.dump(jfr);
    }

    List<RecordedEvent> statements = RecordingFile.readAllEvents(jfr).stream()
        .filter(e -> e.getEventType().getName().equals("jdbi.statement"))
        .toList();
    assertTrue(statements.stream().anyMatch(e -> e.getString("sql").contains("INSERT INTO items")),
        "the recording has the statements: " + statements);
    for (RecordedEvent event : statements) {
      String parameters = String.valueOf(event.getString("parameters"));
      assertFalse(parameters.contains(SECRET), "a bound value reached the recording: " + event);
      assertFalse(parameters.contains("argon2"), "part of one did: " + event);
    }
  }
}
