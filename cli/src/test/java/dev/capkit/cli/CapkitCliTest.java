package dev.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CapkitCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return CapkitCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void unknownCommandListsTheKnownOnesWithStatus2() {
    assertEquals(2, run("emulatr"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("known: emulator"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsCommands() {
    assertEquals(0, run("help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("emulator"));
  }

  @Test
  void badEmulatorTierIsStatus2() {
    assertEquals(2, run("emulator", "--tier", "gn99-nope"));
  }

  @Test
  void calibrateOnAFolderThatIsNotARunIsStatus2() {
    assertEquals(2, run("calibrate", "target", "--out", "target/never-written.json"));
  }

  @Test
  void engineWithAMissingModelFileIsStatus2() {
    assertEquals(2, run("engine", "--gguf", "target/no-such-model.gguf", "--port", "0"));
  }
}
