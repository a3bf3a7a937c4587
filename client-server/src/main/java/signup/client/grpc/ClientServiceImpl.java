package signup.client.grpc;

import io.grpc.stub.StreamObserver;
import signup.client.domain.ClientRegistration;
import signup.client.v1.Client;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;

/** Public reads of confirmed clients. Failures are thrown and mapped by the server's mapper. */
public final class ClientServiceImpl extends ClientServiceGrpc.ClientServiceImplBase {
  private final ClientRegistration registration;

  public ClientServiceImpl(ClientRegistration registration) {
    this.registration = registration;
  }

  @Override
  public void getClient(GetClientRequest request, StreamObserver<Client> response) {
    response.onNext(ClientMessages.toProto(registration.getClient(request.getClientId())));
    response.onCompleted();
  }

  @Override
  public void getClientByEmail(GetClientByEmailRequest request,
      StreamObserver<Client> response) {
    response.onNext(ClientMessages.toProto(registration.getClientByEmail(request.getEmail())));
    response.onCompleted();
  }
}
