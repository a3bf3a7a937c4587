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
}
