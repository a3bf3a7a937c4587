package signup.client.grpc;

import io.grpc.stub.StreamObserver;
import signup.client.domain.AccessGrant;
import signup.client.domain.ClientRegistration;
import signup.client.domain.LogIn;
import signup.client.security.SigningKeys;
import signup.client.v1.Client;
import signup.client.v1.ClientServiceGrpc;
import signup.client.v1.GetClientByEmailRequest;
import signup.client.v1.GetClientRequest;
import signup.client.v1.GetPublicKeysRequest;
import signup.client.v1.GetPublicKeysResponse;
import signup.client.v1.LoginRequest;
import signup.client.v1.LoginResponse;
import signup.common.grpc.ProtoValues;
import signup.common.security.CallerAddress;

/**
 * Log-in, the public keys that verify its tokens, and public reads of confirmed clients. Who
 * may call which is the Authorizer's business, before a call gets here. Failures are thrown and
 * mapped by the server's mapper.
 */
public final class ClientServiceImpl extends ClientServiceGrpc.ClientServiceImplBase {
  private final ClientRegistration registration;
  private final LogIn logIn;
  private final SigningKeys keys;

  public ClientServiceImpl(ClientRegistration registration, LogIn logIn, SigningKeys keys) {
    this.registration = registration;
    this.logIn = logIn;
    this.keys = keys;
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

  @Override
  public void login(LoginRequest request, StreamObserver<LoginResponse> response) {
    AccessGrant grant = logIn.logIn(request.getEmail(), request.getPassword(),
        CallerAddress.current());
    response.onNext(LoginResponse.newBuilder()
        .setAccessToken(grant.accessToken())
        .setExpiresAt(ProtoValues.timestamp(grant.expiresAt()))
        .setClientId(grant.clientId())
        .setTokenType("Bearer")
        .build());
    response.onCompleted();
  }

  @Override
  public void getPublicKeys(GetPublicKeysRequest request,
      StreamObserver<GetPublicKeysResponse> response) {
    response.onNext(GetPublicKeysResponse.newBuilder()
        .setJwks(keys.published().toString(true))
        .build());
    response.onCompleted();
  }
}
