package signup.client.grpc;

import io.grpc.stub.StreamObserver;
import signup.client.domain.ClientRegistration;
import signup.client.v1.CancelClientRequest;
import signup.client.v1.CancelClientResponse;
import signup.client.v1.ClientParticipantGrpc;
import signup.client.v1.ConfirmClientRequest;
import signup.client.v1.ConfirmClientResponse;
import signup.client.v1.ReserveClientRequest;
import signup.client.v1.ReserveClientResponse;
import signup.common.grpc.ProtoValues;

/** The orchestrator's try-confirm-cancel calls. Failures are thrown and mapped by the mapper. */
public final class ClientParticipantImpl extends ClientParticipantGrpc.ClientParticipantImplBase {
  private final ClientRegistration registration;

  public ClientParticipantImpl(ClientRegistration registration) {
    this.registration = registration;
  }

  @Override
  public void reserve(ReserveClientRequest request,
      StreamObserver<ReserveClientResponse> response) {
    var client = registration.reserve(request.getTxnId(), request.getClientId(),
        request.getEmail(), request.getName(), request.getPassword(), request.getRegion(),
        ProtoValues.device(request.getDevice()));
    response.onNext(ReserveClientResponse.newBuilder()
        .setClient(ClientMessages.toProto(client))
        .build());
    response.onCompleted();
  }

  @Override
  public void confirm(ConfirmClientRequest request,
      StreamObserver<ConfirmClientResponse> response) {
    var client = registration.confirm(request.getTxnId());
    response.onNext(ConfirmClientResponse.newBuilder()
        .setClient(ClientMessages.toProto(client))
        .build());
    response.onCompleted();
  }

  @Override
  public void cancel(CancelClientRequest request, StreamObserver<CancelClientResponse> response) {
    registration.cancel(request.getTxnId());
    response.onNext(CancelClientResponse.getDefaultInstance());
    response.onCompleted();
  }
}
