package signup.common.grpc;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;

/**
 * A service whose handlers never block: each one checks its request, hands the work off (to a
 * database writer, a hashing pool) and answers from the callback when the work is done.
 * {@link GrpcServerHost} runs such calls on the transport's own thread instead of handing each
 * one to a pool thread and back, which spares two thread switches per call: on two cores, with
 * five such calls per sign-up, that is a visible share of the CPU (BENCHMARKS.md).
 */
public interface NonBlockingService extends BindableService {
  /**
   * Whether calls of {@code method} never block; by default every method of the service. A
   * service with some blocking methods (a database read) names the others.
   */
  default boolean nonBlocking(MethodDescriptor<?, ?> method) {
    return true;
  }
}
