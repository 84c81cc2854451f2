package dev.capkit.gate.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The moving-block bootstrap against what it is for: latencies whose level drifts over tens of
 * seconds (a queue), where resampling requests as independent gives intervals that exclude "no
 * change" far more often than their confidence says. Blocks of seconds halve those alarms in this
 * deliberately extreme case (a level whose spread between minutes exceeds the spread within one),
 * though at 95% per comparison they still exceed 5%: a p99 of a 10-minute run holds few independent
 * queue episodes. The gate's rate over whole verdicts is measured by {@code GateCalibrationTest}.
 */
class MovingBlocksTest {
  private final HistogramBootstrap stats = new HistogramBootstrap(2_000, 3, 30, 5, 4);

  /** 600 s, 1 to 3 requests per second, log-latency = AR(1) level (phi 0.97 per second, sd 0.49) + noise (sd 0.3). */
  static SecondSeries queueLike(Random r) {
    List<long[]> seconds = new ArrayList<>();
    double level = 0;
    for (int s = 0; s < 600; s++) {
      level = 0.97 * level + 0.12 * r.nextGaussian();
      long[] values = new long[1 + r.nextInt(3)];
      for (int i = 0; i < values.length; i++) {
        values[i] = Math.round(2_000_000 * Math.exp(level + 0.3 * r.nextGaussian()));
      }
      seconds.add(values);
    }
    return SecondSeries.ofValues(seconds);
  }

  @Test
  void blocksCutTheFalseAlarmsOfDependentLatencies() {
    Random r = new Random(3);
    int pairs = 60;
    int blockAlarms = 0;
    int independentAlarms = 0;
    for (int i = 0; i < pairs; i++) {
      SecondSeries a = queueLike(r);
      SecondSeries b = queueLike(r);
      LatencySample la = LatencySample.of(a).withInFlight(a.inFlight());
      LatencySample lb = LatencySample.of(b).withInFlight(b.inFlight());
      if (excludesNoChange(stats.quantileChange(la, lb, 0.99, 0.95, i))) {
        blockAlarms++;
      }
      if (excludesNoChange(stats.quantileChange(a.pooled(), b.pooled(), 0.99, 0.95, i))) {
        independentAlarms++;
      }
    }
    // measured with these seeds: independent 41 of 60, blocks 19 of 60
    assertTrue(independentAlarms >= 0.5 * pairs, "independent resampling should fail here: " + independentAlarms);
    assertTrue(2 * blockAlarms <= independentAlarms, "independent " + independentAlarms + ", blocks " + blockAlarms);
  }

  private static boolean excludesNoChange(Estimate e) {
    return e.low() > 0 || e.high() < 0;
  }

  /** With one value per second and blocks of one second, a replicate is a plain resample of the values. */
  @Test
  void oneSecondBlocksOfSingleValuesResampleValues() {
    List<long[]> seconds = new ArrayList<>();
    for (int s = 0; s < 400; s++) {
      seconds.add(new long[] {1000L + s});
    }
    MovingBlocks blocks = new MovingBlocks(SecondSeries.ofValues(seconds), 1, 0.5);
    Random r = new Random(4);
    double sum = 0;
    for (int i = 0; i < 2000; i++) {
      sum += blocks.quantile(r::nextInt);
    }
    assertEquals(1000 + 199.5, sum / 2000, 3, "the resampled median's mean is the sample median");
  }

  @Test
  void aSideShorterThanFourBlocksIsResampledAsIndependentRequests() {
    List<long[]> seconds = new ArrayList<>();
    for (int s = 0; s < 19; s++) {
      seconds.add(new long[] {1000, 2000});
    }
    assertEquals(0, stats.blockSeconds(LatencySample.of(SecondSeries.ofValues(seconds))));
    seconds.add(new long[] {3000});
    assertEquals(5, stats.blockSeconds(LatencySample.of(SecondSeries.ofValues(seconds))));
  }
}
