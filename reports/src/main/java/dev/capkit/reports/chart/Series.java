package dev.capkit.reports.chart;

import java.util.List;

/**
 * One line of a chart: its legend name, colour, dash pattern (null for solid) and points in data
 * units. Points with a NaN coordinate are skipped (a step that measured nothing breaks no line).
 *
 * @param key     stable id written to {@code data-series}, e.g. {@code quickstart-20261125/e2e.p99}
 * @param markers whether each point gets a dot (measured steps) or the line is drawn alone (distributions)
 */
public record Series(String key, String name, String color, String dash, List<Point> points, boolean markers) {
  public Series {
    points = List.copyOf(points);
  }

  /** A data point in the chart's units. */
  public record Point(double x, double y) {}
}
