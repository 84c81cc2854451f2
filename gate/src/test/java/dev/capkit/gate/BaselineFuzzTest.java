package dev.capkit.gate;

import dev.capkit.testkit.HostileJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the baseline reader with jqwik (fixed seed, bounded tries; why jqwik: the root README,
 * "Fuzzing"): the v1 and v2 golden files and a v2 baseline with per-second histograms, each with one
 * hostile change ({@link HostileJson}). The property: {@link BaselineReader#read} returns figures or
 * throws an {@link IOException} naming the file; never another exception or error. Figures it accepts
 * can be pooled and resampled (what the gate does next) without an exception.
 */
class BaselineFuzzTest {
  private static byte[] withSeconds;

  @BeforeContainer
  static void baselineWithSeconds() throws IOException {
    Path file = Files.createTempFile("capkit-baseline", ".json");
    BaselineWriter.write(VirtualRunFigures.of(GateMainTest.SMOKE, Map.of("duration", "25s"), 1000, 1.0), file);
    withSeconds = Files.readAllBytes(file);
    Files.delete(file);
  }

  @Provide
  Arbitrary<String> seed() {
    return Arbitraries.of("baseline-v1.json", "baseline-v2.json", "per-second");
  }

  @Provide
  Arbitrary<HostileJson> change() {
    return HostileJson.changes();
  }

  @Property(tries = 300, seed = "16")
  void readerAnswersOrNamesTheFile(@ForAll("seed") String seed, @ForAll("change") HostileJson change) throws IOException {
    byte[] valid = seed.equals("per-second") ? withSeconds : Files.readAllBytes(Golden.DIR.resolve(seed));
    Path file = Files.createTempFile("capkit-baseline-fuzz", ".json");
    try {
      Files.write(file, change.applyTo(valid));
      RunFigures figures = BaselineReader.read(file);
      for (StepFigures s : figures.steps()) {
        KindFigures all = s.allKinds();
        for (String m : List.of("e2e", "ttft", "tpot")) {
          all.sample(m).pooled().count();
        }
      }
    } catch (IOException e) {
      if (!e.getMessage().contains(file.toString())) {
        throw new AssertionError("the error does not name the file: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
