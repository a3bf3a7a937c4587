package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import signup.common.domain.OverloadedException;
import signup.common.domain.WriteConflictException;

class StandardErrorsTest {
  @Test
  void anOverloadWithAHintIsResourceExhaustedWithARetryInfo()
      throws InvalidProtocolBufferException {
    StatusRuntimeException e = StandardErrors.toStatus(
        new OverloadedException("256 sign-ups in flight", Duration.ofMillis(1_250)));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals("256 sign-ups in flight", e.getStatus().getDescription());
    RetryInfo retry = StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
    assertEquals(1, retry.getRetryDelay().getSeconds());
    assertEquals(250_000_000, retry.getRetryDelay().getNanos());
  }

  @Test
  void anOverloadWithoutAHintCarriesNoDetails() {
    StatusRuntimeException e = StandardErrors.toStatus(new OverloadedException("queue full"));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals(0, StatusProto.fromThrowable(e).getDetailsCount());
  }

  @Test
  void aWriteRefusedForConflictsIsUnavailableWithARetryInfo()
      throws InvalidProtocolBufferException {
    StatusRuntimeException e = StandardErrors.toStatus(
        new WriteConflictException("orchestrator", 10, null));

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals("the orchestrator database refused this write 10 times for conflicting with "
        + "concurrent writes: nothing was written; try again", e.getStatus().getDescription());
    RetryInfo retry = StatusProto.fromThrowable(e).getDetails(0).unpack(RetryInfo.class);
    assertEquals(100_000_000, retry.getRetryDelay().getNanos());
  }
}
