package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capkit.reports.chart.Scale;
import java.util.List;
import org.junit.jupiter.api.Test;

class FiguresAndScaleTest {
  @Test
  void numbersPrintWithFourSignificantDigits() {
    assertEquals("5,079", Figures.format(5079.039));
    assertEquals("798.7", Figures.format(798.655));
    assertEquals("0.35", Figures.format(0.35));
    assertEquals("0.8125", Figures.format(0.8125));
    assertEquals("21.43%", Figures.percent(0.214286));
    assertEquals("n/a", Figures.format(Double.NaN));
    assertEquals("+inf", Figures.format(Double.POSITIVE_INFINITY));
    assertEquals("24", Figures.raw(24.0));
    assertEquals("0.8125", Figures.raw(0.8125));
  }

  @Test
  void linearTicksAreOneTwoFiveSteps() {
    Scale s = Scale.linear(0, 4.2, 0, 100);
    assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0), s.ticks());
    assertEquals(0, s.map(0), 1e-9);
    assertEquals(100, s.map(5), 1e-9);
  }

  @Test
  void logTicksArePowersOfTen() {
    Scale s = Scale.log(1, 640, 0, 300);
    assertEquals(List.of(1.0, 10.0, 100.0, 1000.0), s.ticks());
    assertEquals(100, s.map(10), 1e-9);
    assertEquals("99%", PercentilePlot.tickLabel(100));
  }
}
