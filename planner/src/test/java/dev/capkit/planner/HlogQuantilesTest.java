package dev.capkit.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.CorruptFileException;
import dev.capkit.core.results.Metric;
import dev.capkit.core.results.RunReader;
import dev.capkit.planner.capacity.ErlangC;
import dev.capkit.planner.capacity.LatencyQuantiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner's own interval-log decoder agrees with HdrHistogram's on every quantile. */
class HlogQuantilesTest {
  @TempDir
  Path tmp;

  @Test
  void sameQuantilesAsHdrHistogramIncludingPerSecondIntervalsAndRefusesAHalfLine() throws Exception {
    double rate = ErlangC.maxArrivalRate(4, 1.0, 2.0, 0.99);
    Path run = SyntheticRuns.mmc(tmp.resolve("run"), "mmc", "gn7e-c16g1.4xlarge", 4, 1.0, SyntheticRuns.scaled(rate, 0.5, 1.1),
        3_000, 3, true);
    for (String step : new String[] {"s00-qps1.175-none", "s01-qps2.585-none"}) {
      for (Metric m : new Metric[] {Metric.E2E, Metric.TTFT_INTENDED}) {
        Path file = run.resolve("steps").resolve(step).resolve(m.key() + ".hlog");
        LatencyQuantiles expected = LatencyQuantiles.ofMicros(RunReader.histogram(run, step, m).get("*"));
        HlogQuantiles.Decoded decoded = HlogQuantiles.decode(file);
        LatencyQuantiles actual = decoded.quantiles();
        assertEquals(0, decoded.fallbacks(), "every line decoded by the planner's own V2 decoder");
        assertTrue(decoded.lines() > 100, "one interval per second: " + decoded.lines());
        assertEquals(expected.count(), actual.count(), file.toString());
        for (double q = 0.001; q < 1; q += 0.0137) {
          assertEquals(expected.at(q), actual.at(q), 0, file + " q=" + q);
        }
        assertEquals(expected.at(1), actual.at(1), 0);
      }
    }
    Path file = run.resolve("steps").resolve("s00-qps1.175-none").resolve("e2e.hlog");
    long lines = Files.readAllLines(file).size();
    Files.writeString(file, "Tag=phone-step,99.000,1.000,1.000,HISTFAAAAB", StandardOpenOption.APPEND);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> HlogQuantiles.read(file),
        "the planner reads finished steps only: a half line there is a truncated file, not a torn end");
    assertEquals(lines + 1, e.line(), e.getMessage());
    assertEquals(0, HlogQuantiles.read(tmp.resolve("missing.hlog")).count());
  }
}
