package dev.capkit.emulator.runtime;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A cumulative Prometheus histogram with fixed upper bounds (seconds), safe for concurrent observers. */
final class PrometheusHistogram {
  private final String name;
  private final double[] bounds;
  private final AtomicLongArray counts;
  private final DoubleAdder sum = new DoubleAdder();
  private final LongAdder count = new LongAdder();

  PrometheusHistogram(String name, double... bounds) {
    this.name = name;
    this.bounds = bounds.clone();
    this.counts = new AtomicLongArray(bounds.length);
  }

  void observe(double seconds) {
    for (int i = 0; i < bounds.length; i++) {
      if (seconds <= bounds[i]) {
        counts.incrementAndGet(i);
        break;
      }
    }
    sum.add(seconds);
    count.increment();
  }

  long count() {
    return count.sum();
  }

  void render(StringBuilder out, String help, String labels) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += counts.get(i);
      out.append(name).append("_bucket{").append(labels).append(",le=\"").append(format(bounds[i])).append("\"} ")
          .append(cumulative).append('\n');
    }
    long total = count.sum();
    out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(total).append('\n');
    out.append(name).append("_sum{").append(labels).append("} ").append(format(sum.sum())).append('\n');
    out.append(name).append("_count{").append(labels).append("} ").append(total).append('\n');
  }

  static String format(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }
}
