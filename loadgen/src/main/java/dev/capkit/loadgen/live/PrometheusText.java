package dev.capkit.loadgen.live;

import java.math.BigDecimal;

/**
 * Writes Prometheus' text exposition format 0.0.4: for each family a {@code # HELP} and a
 * {@code # TYPE} line, then its samples {@code name{label="value",...} value}; histograms as
 * cumulative {@code _bucket{le=...}} series ending with {@code le="+Inf"}, then {@code _sum} and
 * {@code _count}. Label values escape backslash, double quote and newline; values are Java doubles
 * ({@code +Inf}, {@code -Inf}, {@code NaN} spelled as Prometheus does).
 */
final class PrometheusText {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final StringBuilder out = new StringBuilder();

  void family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  void sample(String name, String[] labels, double value) {
    out.append(name);
    labels(labels, null);
    out.append(' ').append(number(value)).append('\n');
  }

  void histogram(String name, String[] labels, LiveHistogram.Snapshot h) {
    for (int i = 0; i <= h.bounds().size(); i++) {
      out.append(name).append("_bucket");
      labels(labels, i < h.bounds().size() ? number(h.bounds().get(i)) : "+Inf");
      out.append(' ').append(h.cumulative()[i]).append('\n');
    }
    out.append(name).append("_sum");
    labels(labels, null);
    out.append(' ').append(number(h.sum())).append('\n');
    out.append(name).append("_count");
    labels(labels, null);
    out.append(' ').append(h.count()).append('\n');
  }

  private void labels(String[] nameValue, String le) {
    if (nameValue.length == 0 && le == null) {
      return;
    }
    out.append('{');
    for (int i = 0; i < nameValue.length; i += 2) {
      out.append(i == 0 ? "" : ",").append(nameValue[i]).append("=\"").append(escape(nameValue[i + 1])).append('"');
    }
    if (le != null) {
      out.append(nameValue.length == 0 ? "" : ",").append("le=\"").append(le).append('"');
    }
    out.append('}');
  }

  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
        : new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString(); // 1.0E-4 as 0.0001
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
