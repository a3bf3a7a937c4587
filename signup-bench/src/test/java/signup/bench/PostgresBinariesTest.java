package signup.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the bench looks for PostgreSQL's server programs, in directories laid out as Debian's. */
class PostgresBinariesTest {
  @TempDir Path dir;

  @Test
  void aDirectoryOnThePathWithAllThreeProgramsComesFirst() throws IOException {
    Path onPath = programs(dir.resolve("local/bin"), PostgresBinaries.PROGRAMS);
    programs(dir.resolve("debian/16/bin"), PostgresBinaries.PROGRAMS);

    assertEquals(Optional.of(onPath), PostgresBinaries.find(
        dir.resolve("empty") + File.pathSeparator + onPath, dir.resolve("debian")));
  }

  @Test
  void withoutThemOnThePathTheNewestDebianVersionIsTaken() throws IOException {
    Path onPath = programs(dir.resolve("bin"), List.of("psql", "pg_ctl")); // no initdb here
    programs(dir.resolve("debian/9.6/bin"), PostgresBinaries.PROGRAMS);
    Path newest = programs(dir.resolve("debian/15/bin"), PostgresBinaries.PROGRAMS);
    programs(dir.resolve("debian/16/bin"), List.of("psql")); // the client package only

    assertEquals(Optional.of(newest),
        PostgresBinaries.find(onPath.toString(), dir.resolve("debian")));
  }

  @Test
  void noProgramsAnywhereIsRefusedSayingWhatToInstallOrGive() throws IOException {
    programs(dir.resolve("debian/15/bin"), List.of("initdb", "postgres")); // no pg_ctl

    SystemStartException refused = assertThrows(SystemStartException.class,
        () -> PostgresBinaries.require(null, dir.resolve("debian")));

    assertTrue(refused.getMessage().contains("apt-get install postgresql"), refused.getMessage());
    assertTrue(refused.getMessage().contains("--db-url"), refused.getMessage());
    assertEquals(Optional.empty(), PostgresBinaries.find("", dir.resolve("nowhere")));
  }

  /** Empty executable files named after {@code programs} in {@code bin}. */
  private static Path programs(Path bin, List<String> programs) throws IOException {
    Files.createDirectories(bin);
    for (String program : programs) {
      Files.createFile(bin.resolve(program),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
    return bin;
  }
}
