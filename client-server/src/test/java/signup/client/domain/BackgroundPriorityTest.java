package signup.client.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import signup.common.domain.DaemonThreads;

class BackgroundPriorityTest {
  @Test
  void threadsOfALoweredFactoryRunTenNiceLevelsLowerAndTheOthersAsTheyWere() throws Exception {
    assumeTrue(Platform.isLinux(), "the nice value of a thread is Linux's");
    int before = BackgroundPriority.currentNice();
    ExecutorService hashers = Executors.newFixedThreadPool(2,
        BackgroundPriority.lowered(DaemonThreads.numbered("test-hasher")));
    try {
      int nice = CompletableFuture.supplyAsync(BackgroundPriority::currentNice, hashers).get();

      assertEquals(Math.min(BackgroundPriority.LOWEST, before + BackgroundPriority.LOWER_BY),
          nice);
      assertEquals(before, BackgroundPriority.currentNice(), "the caller's own is unchanged");
    } finally {
      hashers.shutdownNow();
    }
  }
}
