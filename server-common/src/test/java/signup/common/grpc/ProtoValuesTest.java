package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import signup.common.domain.Device;
import signup.common.v1.DeviceType;

class ProtoValuesTest {

  @Test
  void timestampKeepsNanosecondsBothWays() {
    Instant instant = Instant.parse("2030-05-06T07:08:09.123456789Z");
    Timestamp timestamp = ProtoValues.timestamp(instant);

    assertEquals(instant.getEpochSecond(), timestamp.getSeconds());
    assertEquals(123456789, timestamp.getNanos());
    assertEquals(instant, ProtoValues.instant(timestamp));
  }

  @Test
  void everyDeviceMapsToItsProtoTypeAndBack() {
    for (Device device : Device.values()) {
      DeviceType type = ProtoValues.deviceType(device);
      assertEquals(device.name(), type.name());
      assertEquals(device, ProtoValues.device(type));
    }
  }

  @Test
  void unspecifiedOrUnknownDeviceTypeIsNoDevice() {
    assertNull(ProtoValues.device(DeviceType.DEVICE_TYPE_UNSPECIFIED));
    assertNull(ProtoValues.device(DeviceType.UNRECOGNIZED));
    assertEquals(DeviceType.DEVICE_TYPE_UNSPECIFIED, ProtoValues.deviceType(null));
  }
}
