package signup.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class NettyTuningTest {
  @Test
  void oneEventLoopPerTwoCoresAndNoLeakDetection() {
    Properties twoCores = new Properties();
    NettyTuning.apply(twoCores, 2);
    Properties eightCores = new Properties();
    NettyTuning.apply(eightCores, 8);
    Properties oneCore = new Properties();
    NettyTuning.apply(oneCore, 1);

    assertEquals("1", twoCores.getProperty(NettyTuning.EVENT_LOOP_THREADS));
    assertEquals("4", eightCores.getProperty(NettyTuning.EVENT_LOOP_THREADS));
    assertEquals("1", oneCore.getProperty(NettyTuning.EVENT_LOOP_THREADS));
    assertEquals("disabled", twoCores.getProperty(NettyTuning.LEAK_DETECTION));
  }

  @Test
  void whatTheUserSetIsKept() {
    Properties properties = new Properties();
    properties.setProperty(NettyTuning.EVENT_LOOP_THREADS, "3");
    properties.setProperty(NettyTuning.LEAK_DETECTION, "paranoid");

    NettyTuning.apply(properties, 2);

    assertEquals("3", properties.getProperty(NettyTuning.EVENT_LOOP_THREADS));
    assertEquals("paranoid", properties.getProperty(NettyTuning.LEAK_DETECTION));
  }
}
