package dev.capkit.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.RunWriter;
import dev.capkit.core.results.ScenarioInfo;
import dev.capkit.core.results.TargetInfo;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: exit 2 with the file, the field and the value named; nothing written. */
class BadInputTest {
  @TempDir
  Path dir;

  private String[] err = new String[1];

  private int calibrate(String... args) {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int status = CalibrateMain.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8));
    err[0] = e.toString(StandardCharsets.UTF_8);
    return status;
  }

  @Test
  void notARunFolder() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertEquals(2, calibrate(empty.toString(), "--out", dir.resolve("p.json").toString()));
    assertTrue(err[0].contains(empty + ": not a run folder (no run.json)"), err[0]);
    assertTrue(!Files.exists(dir.resolve("p.json")));
  }

  @Test
  void emulatedRunGivenAsMeasured() throws Exception {
    Path run = emptyRun("emulated", new TargetInfo("http://127.0.0.1:8000", "autoglm-phone-9b", "emulator", "gn7i-c8g1.2xlarge",
        Map.of()));
    assertEquals(2, calibrate(run.toString(), "--out", dir.resolve("p.json").toString()));
    assertTrue(err[0].contains(run.resolve("run.json") + ": target.basis: \"emulated\": calibration fits measured runs only"), err[0]);
  }

  @Test
  void runWithNoUsableStep() throws Exception {
    Path run = emptyRun("nothing", new TargetInfo("http://127.0.0.1:8080", "autoglm-phone-9b", "remote", "gn7i-c8g1.2xlarge",
        Map.of(), TargetInfo.MEASURED));
    assertEquals(2, calibrate(run.toString(), "--out", dir.resolve("p.json").toString()));
    assertTrue(err[0].contains(run.resolve("run.json") + ": steps: no usable step (none finished)"), err[0]);
  }

  @Test
  void badOptionsNameTheOptionAndValue() throws Exception {
    Path run = emptyRun("x", new TargetInfo("http://h", "m", "remote", "t", Map.of(), TargetInfo.MEASURED));
    assertEquals(2, calibrate(run.toString()));
    assertTrue(err[0].contains("--out: missing"), err[0]);
    assertEquals(2, calibrate(run.toString(), "--out", "p.json", "--fit", "mfu,speed"));
    assertTrue(err[0].contains("--fit: unknown coefficient 'speed'"), err[0]);
    assertEquals(2, calibrate(run.toString(), "--out", "p.json", "--serving", "max_num_seqs=0"));
    assertTrue(err[0].contains("--serving: max_num_seqs"), err[0]);
    assertEquals(2, calibrate(run.toString(), "--out", "p.json", "--dtype", "fp4"));
    assertTrue(err[0].contains("--dtype: unknown dtype 'fp4'"), err[0]);
  }

  /** A complete run folder whose run.json lists no finished step. */
  private Path emptyRun(String name, TargetInfo target) throws Exception {
    Scenario s = ScenarioLoader.load(TwinRunFolder.SCENARIO, Map.of());
    Path folder = dir.resolve(name);
    Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);
    RunManifest m = new RunManifest(RunReader.FORMAT_VERSION, RunManifest.RUNNING, name, ScenarioInfo.of(s), target,
        Map.of("capkit", "test"), "microseconds", clock.instant().toString(), null, List.of(), List.of(), null);
    try (RunWriter w = RunWriter.create(folder, m, clock, false)) {
      w.complete(RunManifest.COMPLETE, null);
    }
    return folder;
  }
}
