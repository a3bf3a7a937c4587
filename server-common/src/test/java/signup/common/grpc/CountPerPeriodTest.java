package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CountPerPeriodTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final CountPerPeriod count = new CountPerPeriod(Duration.ofMinutes(1), now::get);

  @Test
  void theFirstEventReportsAtOnceAndTheNextWaitForThePeriodWithTheirCount() {
    assertEquals(1, count.countAndReport());

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertEquals(0, count.countAndReport());
    assertEquals(0, count.countAndReport());
    assertEquals(0, count.countAndReport());

    now.addAndGet(Duration.ofSeconds(51).toNanos());
    assertEquals(4, count.countAndReport(), "the three held back and this one");
    assertEquals(0, count.countAndReport());
  }
}
