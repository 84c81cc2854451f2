package dev.capkit.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.json's {@code target.basis}: recorded, derived for runs written before it, and the emulator fault hooks. */
class TargetBasisTest {
  @TempDir
  Path dir;

  @Test
  void runWrittenBeforeBasisWasRecordedReadsAsEmulatedFromItsKind() throws IOException {
    String old = Files.readString(Path.of("src/test/resources/golden/run-v1-before-basis.json"));
    assertFalse(old.contains("\"basis\""), "the golden file predates target.basis");
    Files.writeString(dir.resolve("run.json"), old);
    TargetInfo t = RunReader.read(dir).manifest().target();
    assertEquals("emulator", t.kind());
    assertEquals(TargetInfo.EMULATED, t.basis());
    assertTrue(t.emulated());
  }

  @Test
  void currentGoldenRecordsTheBasis() throws IOException {
    assertTrue(Files.readString(Path.of("src/test/resources/golden/run-v1/run.json")).contains("\"basis\" : \"emulated\""));
  }

  @Test
  void remoteTargetIsMeasuredUnlessStatedOtherwise() {
    assertEquals(TargetInfo.MEASURED, new TargetInfo("http://h:8000", "m", "remote", "t", Map.of()).basis());
    assertEquals(TargetInfo.EMULATED, new TargetInfo("http://h:8000", "m", "remote", "t", Map.of(), "emulated").basis());
  }

  @Test
  void faultHooksNameOnlyTheHooksThatWereOn() {
    assertEquals("", new TargetInfo("u", "m", "emulator", "t", Map.of("slowdown", "1.0", "brokenStreams", "0.0")).faultHooks());
    assertEquals("slowdown=1.2, brokenStreams=0.1",
        new TargetInfo("u", "m", "emulator", "t", Map.of("slowdown", "1.2", "brokenStreams", "0.1")).faultHooks());
    assertEquals("brokenStreams=0.05", new TargetInfo("u", "m", "emulator", "t", Map.of("brokenStreams", "0.05")).faultHooks());
    assertEquals("", new TargetInfo("u", "m", "remote", "t", null).faultHooks());
  }
}
