package signup.client.grpc;

import signup.client.domain.Client;
import signup.common.grpc.ProtoValues;

/** The proto form of the domain's client. Never carries the password or its hash. */
final class ClientMessages {
  private ClientMessages() {}

  static signup.client.v1.Client toProto(Client client) {
    return signup.client.v1.Client.newBuilder()
        .setClientId(client.clientId())
        .setEmail(client.email())
        .setName(client.name())
        .setRegion(client.region())
        .setDevice(ProtoValues.deviceType(client.device()))
        .setCreatedAt(ProtoValues.timestamp(client.createdAt()))
        .build();
  }
}
