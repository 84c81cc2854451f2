package dev.capkit.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start signal file of a local split's handshake: waited for, read whole, refused when it is not an instant. */
class StartInstantTest {
  @TempDir
  Path dir;

  @Test
  void saysReadyThenWaitsForTheFileAndThenForItsInstant() throws Exception {
    Path signal = dir.resolve("start-at");
    long at = System.currentTimeMillis() + 400;
    Thread lead = new Thread(() -> {
      try {
        Thread.sleep(200);
        Files.writeString(signal, at + "\n");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    lead.start();
    StartInstant.await(null, signal, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    long now = System.currentTimeMillis();
    lead.join();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith(StartInstant.READY), out);
    assertTrue(now >= at, "returned " + (at - now) + " ms before the instant");
    assertTrue(out.contains("waiting") && out.contains("for the common start instant"), out);
  }

  @Test
  void aSignalThatIsNotAnInstantOrNeverComesNamesTheFile() throws Exception {
    Path signal = dir.resolve("start-at");
    Files.writeString(signal, "soon");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> StartInstant.awaitSignal(signal, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains(signal.toString()) && e.getMessage().contains("'soon' is not epoch milliseconds"), e.getMessage());
    Path never = dir.resolve("never");
    e = assertThrows(IllegalStateException.class, () -> StartInstant.awaitSignal(never, Duration.ofMillis(50)));
    assertTrue(e.getMessage().contains(never.toString()) && e.getMessage().contains("no start instant"), e.getMessage());
    assertEquals(1_700_000_000_000L, StartInstant.awaitSignal(write(dir.resolve("ok"), " 1700000000000\n"), Duration.ofMillis(50)));
  }

  private static Path write(Path file, String text) throws Exception {
    Files.writeString(file, text);
    return file;
  }
}
