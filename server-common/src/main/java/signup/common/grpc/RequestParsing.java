package signup.common.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import signup.common.domain.FieldViolation;
import signup.common.domain.InvalidInputException;

/**
 * Moves the parsing of requests from the transport into the call. Left to gRPC, a request that
 * does not parse (most often a string field holding bytes that are not UTF-8, which proto3
 * refuses) is answered UNKNOWN with no description, before any interceptor sees the call. Parsed
 * in the call instead, it is answered INVALID_ARGUMENT naming the field at fault, through the
 * server's exception mapping like any other bad input.
 */
final class RequestParsing {
  /** Passes the transport's stream through as it is: the call parses it. */
  private static final MethodDescriptor.Marshaller<InputStream> AS_IS = new MethodDescriptor
      .Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return stream;
        }
      };

  private RequestParsing() {}

  /**
   * {@code service} with every protobuf request parsed inside the call, so that a failure is
   * thrown where an interceptor around the result can map it.
   */
  static ServerServiceDefinition inCall(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> checked = checked(method);
      descriptor.addMethod(checked.getMethodDescriptor());
      methods.add(checked);
    }
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(builder::addMethod);
    return ServerInterceptors.useMarshalledMessages(builder.build(), AS_IS);
  }

  private static <Q, R> ServerMethodDefinition<Q, R> checked(
      ServerMethodDefinition<Q, R> definition) {
    MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
    if (!(method.getRequestMarshaller() instanceof PrototypeMarshaller<Q> marshaller)
        || !(marshaller.getMessagePrototype() instanceof Message prototype)) {
      return definition;
    }
    return ServerMethodDefinition.create(
        method.toBuilder(new CheckedMarshaller<>(marshaller, prototype.getDescriptorForType()),
            method.getResponseMarshaller()).build(),
        definition.getServerCallHandler());
  }

  /**
   * The generated marshaller, whose parse failures become INVALID_ARGUMENT naming each string
   * field that is not UTF-8 (or, for bytes that are not protobuf at all, the message type).
   */
  private record CheckedMarshaller<T>(PrototypeMarshaller<T> generated, Descriptor type)
      implements PrototypeMarshaller<T> {
    @Override
    public InputStream stream(T value) {
      return generated.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
      byte[] bytes;
      try {
        // The transport has capped the size already.
        bytes = stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("cannot read the request").withCause(e)
            .asRuntimeException();
      }
      try {
        return generated.parse(new ByteArrayInputStream(bytes));
      } catch (StatusRuntimeException e) {
        if (e.getCause() instanceof InvalidProtocolBufferException) {
          throw refusal(bytes);
        }
        throw e;
      }
    }

    private StatusRuntimeException refusal(byte[] bytes) {
      List<FieldViolation> violations = new ArrayList<>();
      try {
        // The wire format alone, without the UTF-8 check that failed.
        for (Map.Entry<Integer, UnknownFieldSet.Field> field
            : UnknownFieldSet.parseFrom(bytes).asMap().entrySet()) {
          FieldDescriptor known = type.findFieldByNumber(field.getKey());
          if (known != null && known.getType() == FieldDescriptor.Type.STRING
              && !field.getValue().getLengthDelimitedList().stream()
                  .allMatch(ByteString::isValidUtf8)) {
            violations.add(new FieldViolation(known.getName(), "not valid UTF-8"));
          }
        }
      } catch (InvalidProtocolBufferException notProtobuf) {
        // Not even the wire format: no field to blame.
      }
      if (violations.isEmpty()) {
        return Status.INVALID_ARGUMENT
            .withDescription("the request is not a valid " + type.getFullName() + " message")
            .asRuntimeException();
      }
      return StandardErrors.invalidArgument(new InvalidInputException(violations));
    }

    @Override
    public T getMessagePrototype() {
      return generated.getMessagePrototype();
    }

    @Override
    public Class<T> getMessageClass() {
      return generated.getMessageClass();
    }
  }
}
