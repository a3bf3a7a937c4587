package signup.orchestrator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Every line logged in this JVM while open, as config/logback.xml's JSON format writes it
 * ({@code SIGNUP_LOG_FORMAT=json}), with the system's own loggers at DEBUG so that each step of
 * a sign-up shows. Each line is encoded as it is logged, on the logging thread, so that the MDC
 * it carries is that thread's at that moment.
 */
final class JsonLogCapture implements AutoCloseable {
  private static final Path CONFIG = Path.of("..", "config", "logback.xml");

  private final LoggerContext jsonContext = new LoggerContext();
  private final Logger root;
  private final Logger system;
  private final Level systemLevel;
  private final AppenderBase<ILoggingEvent> appender;
  private final List<JsonObject> lines = new CopyOnWriteArrayList<>();

  private JsonLogCapture() throws Exception {
    // The file's json appender, built by logback from the file as a runnable jar builds it.
    jsonContext.setMDCAdapter(MDC.getMDCAdapter());
    jsonContext.putProperty("SIGNUP_LOG_FORMAT", "json");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(jsonContext);
    configurator.doConfigure(CONFIG.toFile());
    @SuppressWarnings("unchecked")
    Encoder<ILoggingEvent> encoder = ((OutputStreamAppender<ILoggingEvent>) jsonContext
        .getLogger(Logger.ROOT_LOGGER_NAME).getAppender("json")).getEncoder();

    LoggerContext servers = (LoggerContext) LoggerFactory.getILoggerFactory();
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8).strip();
        lines.add(JsonParser.parseString(line).getAsJsonObject());
      }
    };
    appender.setContext(servers);
    appender.start();
    root = servers.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    system = servers.getLogger("signup");
    systemLevel = system.getLevel();
    system.setLevel(Level.DEBUG);
  }

  static JsonLogCapture start() {
    try {
      return new JsonLogCapture();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + CONFIG + ": " + e, e);
    }
  }

  /** What was logged so far, one JSON object a line. */
  List<JsonObject> lines() {
    return List.copyOf(lines);
  }

  /** A field of the line's MDC, or null. */
  static String mdc(JsonObject line, String key) {
    JsonObject mdc = line.getAsJsonObject("mdc");
    return mdc == null || !mdc.has(key) ? null : mdc.get(key).getAsString();
  }

  static String message(JsonObject line) {
    return line.has("formattedMessage") ? line.get("formattedMessage").getAsString() : "";
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    system.setLevel(systemLevel);
    jsonContext.stop();
  }
}
