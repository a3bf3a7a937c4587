package signup.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.InsecureChannelCredentials;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import signup.common.cli.DurationConverter;
import signup.common.grpc.Targets;
import signup.common.v1.DeviceType;

/** Output and deadline options of the commands that call a server, and how they report. */
final class RemoteOptions {
  @Option(names = "--json", description = "Print the answer as JSON, for scripts.")
  boolean json;

  @Option(names = "--timeout", defaultValue = "PT15S", converter = DurationConverter.class,
      description = "Deadline of the call, like 15s or PT15S. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(names = "--tls", description = "Connect with TLS (the server runs with --tls-cert).")
  boolean tls;

  @Option(names = "--ca", description = "PEM CA certificates to trust for the server's "
      + "certificate (implies --tls). Default: the JVM's CAs.")
  Path ca;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * To {@code target}: one server, or several replicas called in turn ({@link Targets}); a
   * malformed list is a usage error.
   */
  ManagedChannel channel(String target) {
    try {
      Targets.check(target);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), "--target " + e.getMessage()
          + ": give host:port, dns:///name:port, or host:port,host:port for several replicas");
    }
    if (!tls && ca == null) {
      return Targets.channelBuilder(target, InsecureChannelCredentials.create()).build();
    }
    TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder();
    if (ca != null) {
      try {
        credentials.trustManager(ca.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read --ca " + ca + ": " + e.getMessage(), e);
      }
    }
    return Targets.channelBuilder(target, credentials.build()).build();
  }

  /** Unknown names pass through as UNSPECIFIED, so the server names the field in its error. */
  static DeviceType parseDevice(String value) {
    try {
      return DeviceType.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return DeviceType.DEVICE_TYPE_UNSPECIFIED;
    }
  }

  long timeoutMillis() {
    return timeout.toMillis();
  }

  TimeUnit unit() {
    return TimeUnit.MILLISECONDS;
  }

  void printJson(PrintWriter out, MessageOrBuilder message) {
    try {
      out.println(JsonFormat.printer().print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Prints a failed call for people (or as JSON) on stderr and returns its exit code. */
  int reportFailure(PrintWriter err, StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    String message = e.getStatus().getDescription() == null ? ""
        : e.getStatus().getDescription();
    if (json) {
      err.println("{\"code\": \"" + e.getStatus().getCode() + "\", \"message\": "
          + quote(message) + "}");
    } else {
      List<BadRequest.FieldViolation> violations = violations(status);
      if (violations.isEmpty()) {
        err.println("error: " + e.getStatus().getCode() + ": " + message);
      } else {
        err.println("error: " + e.getStatus().getCode() + ":");
        violations.forEach(v -> err.println("  " + v.getField() + ": " + v.getDescription()));
      }
    }
    err.flush();
    return ExitCodes.of(e.getStatus().getCode());
  }

  private static List<BadRequest.FieldViolation> violations(
      com.google.rpc.Status status) {
    if (status == null) {
      return List.of();
    }
    return status.getDetailsList().stream()
        .filter(any -> any.is(BadRequest.class))
        .flatMap(any -> {
          try {
            return any.unpack(BadRequest.class).getFieldViolationsList().stream();
          } catch (InvalidProtocolBufferException e) {
            return Stream.empty();
          }
        })
        .toList();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
