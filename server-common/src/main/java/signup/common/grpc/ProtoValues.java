package signup.common.grpc;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import signup.common.domain.Device;
import signup.common.v1.DeviceType;

/** Conversions between the domain's values and their proto forms, in one place. */
public final class ProtoValues {
  private ProtoValues() {}

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  public static DeviceType deviceType(Device device) {
    return device == null ? DeviceType.DEVICE_TYPE_UNSPECIFIED : DeviceType.valueOf(device.name());
  }

  /** The domain device, or null for UNSPECIFIED and numbers this build does not know. */
  public static Device device(DeviceType type) {
    return switch (type) {
      case IOS -> Device.IOS;
      case ANDROID -> Device.ANDROID;
      case WEB -> Device.WEB;
      default -> null;
    };
  }
}
