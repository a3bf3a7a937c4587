package signup.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import signup.common.domain.ParticipantSettings;

class ParticipantOptionsTest {
  @Command(name = "participant")
  static final class Participant implements Runnable {
    @Spec CommandSpec spec;
    @Mixin ParticipantOptions options;
    ParticipantSettings settings;

    @Override
    public void run() {
      settings = options.settings(spec);
    }
  }

  private static Participant parse(Map<String, String> environment, String... args) {
    Participant participant = new Participant();
    CommandLine commandLine = new CommandLine(participant);
    commandLine.setDefaultValueProvider(new ParticipantOptions.Environment("CLIENT", environment) {
    });
    assertEquals(0, commandLine.execute(args));
    return participant;
  }

  @Test
  void withNoVariableTheDefaultsApply() {
    Participant participant = parse(Map.of());

    assertEquals(ParticipantSettings.DEFAULTS, participant.settings);
    assertEquals("localhost:50051", participant.options.coordinator());
  }

  @Test
  void theServicesOwnVariableWinsOverTheSharedOne() {
    Participant participant = parse(Map.of("CLIENT_RESERVATION_TTL", "1m",
        "SIGNUP_RESERVATION_TTL", "PT2M", "SIGNUP_SWEEP_INTERVAL", "PT7S",
        "SIGNUP_COORDINATOR", "orchestrator:7000", "SUBSCRIPTION_RESERVATION_TTL", "PT9M"));

    assertEquals(new ParticipantSettings(Duration.ofMinutes(1), Duration.ofSeconds(7)),
        participant.settings);
    assertEquals("orchestrator:7000", participant.options.coordinator());
  }

  @Test
  void aFlagWinsOverEveryVariable() {
    Participant participant = parse(Map.of("CLIENT_RESERVATION_TTL", "1m"),
        "--reservation-ttl", "45s");

    assertEquals(Duration.ofSeconds(45), participant.settings.reservationTtl());
  }
}
