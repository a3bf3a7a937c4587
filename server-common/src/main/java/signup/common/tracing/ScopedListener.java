package signup.common.tracing;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ServerCall;

/**
 * A call's listener that runs each of its callbacks (where the handler and what it starts run)
 * inside {@link #around}: in a trace's context, with ids in the logging MDC.
 */
abstract class ScopedListener<Q> extends SimpleForwardingServerCallListener<Q> {
  ScopedListener(ServerCall.Listener<Q> delegate) {
    super(delegate);
  }

  /** Runs {@code callback} in this call's scope. */
  abstract void around(Runnable callback);

  @Override
  public void onMessage(Q message) {
    around(() -> super.onMessage(message));
  }

  @Override
  public void onHalfClose() {
    // A unary call's handler runs here.
    around(super::onHalfClose);
  }

  @Override
  public void onCancel() {
    around(super::onCancel);
  }

  @Override
  public void onComplete() {
    around(super::onComplete);
  }

  @Override
  public void onReady() {
    around(super::onReady);
  }
}
