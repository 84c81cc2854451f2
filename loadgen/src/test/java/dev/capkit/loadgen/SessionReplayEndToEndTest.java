package dev.capkit.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.Outcome;
import dev.capkit.core.results.RequestRecord;
import dev.capkit.core.scenario.ClientTimeouts;
import dev.capkit.core.workload.AgentSession;
import dev.capkit.core.workload.AgentSessionReader;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.EmulatorOptions;
import dev.capkit.twin.Profile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder of real screenshots (PNG and JPEG files this test writes with javax.imageio, odd sizes)
 * and a JSONL of recorded sessions drive a phone-agent run end to end against capkit's emulator
 * (instant profile) over loopback HTTP: every recorded step is sent closed-loop with its own
 * screenshot, as-is, and answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionReplayEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void recordedSessionsWithRealScreenshotsRunEndToEnd() throws Exception {
    Path shots = Files.createDirectory(dir.resolve("shots"));
    ScreenshotFileTest.write(shots, "home.png", "png", 540, 1200);
    ScreenshotFileTest.write(shots, "settings.jpg", "jpeg", 720, 1600);
    ScreenshotFileTest.write(shots, "display.jpeg", "jpeg", 333, 777);
    StringBuilder jsonl = new StringBuilder();
    String[][] steps = {{"home.png", "800"}, {"settings.jpg", "500"}, {"display.jpeg", "0"}};
    for (String task : List.of("Turn the brightness down", "Set an alarm for 6:30", "Open the camera")) {
      for (int i = 0; i < steps.length; i++) {
        jsonl.append("{\"task\": \"").append(task).append("\", \"screenshot\": \"shots/").append(steps[i][0])
            .append("\", \"prompt\": \"").append(i == 0 ? task : "** Screen Info **")
            .append("\", \"think_ms\": ").append(steps[i][1]).append(", \"max_tokens\": 64}\n");
      }
    }
    Path file = Files.writeString(dir.resolve("sessions.jsonl"), jsonl);
    List<AgentSession> sessions = AgentSessionReader.read(file);
    assertEquals(3, sessions.size());
    ScreenshotPool folder = ScreenshotPool.ofFolder(shots, "screenshots");
    assertEquals(3, folder.size());

    try (EmbeddedEmulator emu = EmbeddedEmulator.start(EmulatorOptions.defaults().withProfile(Profile.INSTANT));
        ChatClient client = new ChatClient(new ChatEndpoint(emu.baseUri(), emu.modelName(), null,
            new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20))), 1)) {
      SessionRequests requests = new SessionRequests("phone-step", emu.modelName(), PhoneStepRequests.Language.EN);
      String body = new String(requests.request(sessions.get(0).steps().get(1)).body(), StandardCharsets.US_ASCII);
      assertTrue(body.contains("\"url\":\"data:image/jpeg;base64,/9j/"), "the JPEG goes as-is with its type");
      long start = System.nanoTime();
      List<RequestRecord> records = new SessionReplay(sessions, 2, 0.1).run(client, requests).get(40, TimeUnit.SECONDS);
      long elapsed = System.nanoTime() - start;

      assertEquals(9, records.size());
      for (RequestRecord r : records) {
        assertEquals(Outcome.OK, r.outcome(), r.error());
        assertEquals("phone-step", r.kind());
        assertTrue(r.promptTokens() > 0 && r.completionTokens() > 0, r.toString());
        assertEquals(0, r.scheduleLagNanos(), "closed loop: no schedule lag");
      }
      // agent 0 runs sessions 0 and 2: think 2 x (80 + 50) ms at scale 0.1 at least
      assertTrue(elapsed >= 260_000_000L, "think times honoured: " + elapsed / 1e6 + " ms");
    }
  }
}
