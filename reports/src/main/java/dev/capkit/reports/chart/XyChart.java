package dev.capkit.reports.chart;

import dev.capkit.reports.Figures;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * An x/y chart drawn as inline SVG: lines with point markers, horizontal reference lines (an SLO),
 * vertical lines (a knee), vertical bands (a confidence interval), rectangles (bars) and labelled
 * points, on linear or log10 axes with ticks, axis titles that carry the unit, and an HTML legend.
 * Every series is one {@code <polyline class="series" data-series=... data-points=...>}; reference
 * marks carry {@code data-ref}. A chart with nothing to draw says so instead of showing empty axes.
 *
 * <pre>{@code
 * String svg = new XyChart("e2e-latency", "offered load (req/s)", "E2E latency (ms)")
 *     .add(series).hline(15000, "SLO e2e.p99 15,000 ms", "slo").render();
 * }</pre>
 */
public final class XyChart {
  static final int WIDTH = 760;
  static final int HEIGHT = 320;
  private static final int LEFT = 76;
  private static final int RIGHT = 24;
  private static final int TOP = 30;
  private static final int BOTTOM = 50;

  private record Ref(double value, String label, String kind, String color) {}

  private record Band(double from, double to, String label, String kind, String color) {}

  private record Rect(double x0, double x1, double y0, double y1, String color, String key, String title) {}

  private record Mark(double x, double y, String label, String kind, String color) {}

  private final String id;
  private final String xTitle;
  private final String yTitle;
  private final List<Series> series = new ArrayList<>();
  private final List<Ref> hlines = new ArrayList<>();
  private final List<Ref> vlines = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();
  private final List<Rect> rects = new ArrayList<>();
  private final List<Mark> marks = new ArrayList<>();
  private final List<String[]> legendExtras = new ArrayList<>();
  private boolean xLog;
  private boolean yLog;
  private boolean xFromZero = true;
  private DoubleFunction<String> xTicks = Figures::format;
  private String empty = "nothing measured";

  public XyChart(String id, String xTitle, String yTitle) {
    this.id = id;
    this.xTitle = xTitle;
    this.yTitle = yTitle;
  }

  public XyChart add(Series s) {
    series.add(s);
    return this;
  }

  public XyChart hline(double y, String label, String kind, String color) {
    if (Double.isFinite(y)) {
      hlines.add(new Ref(y, label, kind, color));
    }
    return this;
  }

  public XyChart vline(double x, String label, String kind, String color) {
    if (Double.isFinite(x)) {
      vlines.add(new Ref(x, label, kind, color));
    }
    return this;
  }

  /** A shaded x interval; infinite ends are clipped to the plot. */
  public XyChart band(double from, double to, String label, String kind, String color) {
    if (!Double.isNaN(from) && !Double.isNaN(to)) {
      bands.add(new Band(from, to, label, kind, color));
    }
    return this;
  }

  public XyChart rect(double x0, double x1, double y0, double y1, String color, String key, String title) {
    rects.add(new Rect(x0, x1, y0, y1, color, key, title));
    return this;
  }

  public XyChart mark(double x, double y, String label, String kind, String color) {
    if (Double.isFinite(x) && Double.isFinite(y)) {
      marks.add(new Mark(x, y, label, kind, color));
    }
    return this;
  }

  /** A legend entry for elements that are not series (bars, bands). */
  public XyChart legend(String name, String color) {
    legendExtras.add(new String[] {name, color});
    return this;
  }

  public XyChart xLog(DoubleFunction<String> tickLabels) {
    this.xLog = true;
    this.xTicks = tickLabels;
    return this;
  }

  public XyChart yLog() {
    this.yLog = true;
    return this;
  }

  public XyChart xFromData() {
    this.xFromZero = false;
    return this;
  }

  public XyChart emptyText(String text) {
    this.empty = text;
    return this;
  }

  public boolean isEmpty() {
    return series.stream().allMatch(s -> s.points().stream().noneMatch(XyChart::finite)) && rects.isEmpty();
  }

  /** The {@code <svg>} element followed by the legend, or a note when there is nothing to draw. */
  public String render() {
    if (isEmpty()) {
      return "<p class=\"empty\" data-chart=\"" + esc(id) + "\">No chart: " + esc(empty) + ".</p>";
    }
    Scale x = xScale();
    Scale y = yScale();
    StringBuilder b = new StringBuilder(4096);
    b.append("<svg class=\"chart\" data-chart=\"").append(esc(id)).append("\" viewBox=\"0 0 ")
        .append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(esc(yTitle)).append(" against ")
        .append(esc(xTitle)).append("\">");
    grid(b, x, y);
    for (Band band : bands) {
      double x0 = Math.max(x.min(), band.from());
      double x1 = Math.min(x.max(), band.to());
      if (x1 < x0) {
        continue;
      }
      b.append(String.format(Locale.ROOT, "<rect class=\"band\" data-ref=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\""
          + " fill-opacity=\"0.15\"><title>%s</title></rect>", esc(band.kind()), x.map(x0), TOP, Math.max(1, x.map(x1) - x.map(x0)),
          HEIGHT - TOP - BOTTOM, band.color(), esc(band.label())));
    }
    for (Rect r : rects) {
      b.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-series=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
          + " fill=\"%s\"><title>%s</title></rect>", esc(r.key()), x.map(r.x0()), y.map(r.y1()), Math.max(1, x.map(r.x1()) - x.map(r.x0())),
          Math.max(0.5, y.map(r.y0()) - y.map(r.y1())), r.color(), esc(r.title())));
    }
    int row = 0;
    for (Ref h : hlines) {
      double py = y.map(h.value());
      b.append(String.format(Locale.ROOT, "<line class=\"ref\" data-ref=\"%s\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
          + " stroke-width=\"1.5\" stroke-dasharray=\"8 4\"/>", esc(h.kind()), LEFT, WIDTH - RIGHT, py, py, h.color()));
      b.append(String.format(Locale.ROOT, "<text class=\"ref-label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">%s</text>",
          WIDTH - RIGHT - 4, py - 4 - 12 * row++, h.color(), esc(h.label())));
    }
    row = 0;
    for (Ref v : vlines) {
      double px = x.map(v.value());
      boolean right = px < LEFT + (WIDTH - LEFT - RIGHT) * 0.7;
      b.append(String.format(Locale.ROOT, "<line class=\"ref\" data-ref=\"%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\""
          + " stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>", esc(v.kind()), px, px, TOP, HEIGHT - BOTTOM, v.color()));
      b.append(String.format(Locale.ROOT, "<text class=\"ref-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" fill=\"%s\">%s</text>",
          px + (right ? 4 : -4), TOP + 12 + 13 * row++, right ? "start" : "end", v.color(), esc(v.label())));
    }
    for (Series s : series) {
      polyline(b, s, x, y);
    }
    for (Mark m : marks) {
      if (!x.contains(m.x()) || !y.contains(m.y())) {
        continue;
      }
      b.append(String.format(Locale.ROOT, "<path class=\"mark\" data-ref=\"%s\" d=\"M%.1f %.1fl6 -10h-12z\" fill=\"%s\"><title>%s</title></path>",
          esc(m.kind()), x.map(m.x()), y.map(m.y()), m.color(), esc(m.label())));
    }
    b.append("</svg>");
    legend(b);
    return b.toString();
  }

  private void polyline(StringBuilder b, Series s, Scale x, Scale y) {
    StringBuilder pts = new StringBuilder();
    int n = 0;
    for (Series.Point p : s.points()) {
      if (!finite(p) || !x.contains(p.x()) || !y.contains(p.y())) {
        continue;
      }
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.map(p.x()), y.map(p.y())));
      n++;
    }
    String dash = s.dash() == null ? "" : " stroke-dasharray=\"" + s.dash() + "\"";
    b.append("<g class=\"series-group\"><polyline class=\"series\" data-series=\"").append(esc(s.key())).append("\" data-points=\"").append(n)
        .append("\" fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\"").append(dash).append(" points=\"")
        .append(pts.toString().trim()).append("\"/>");
    if (s.markers()) {
      for (Series.Point p : s.points()) {
        if (!finite(p) || !x.contains(p.x()) || !y.contains(p.y())) {
          continue;
        }
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %s, %s</title></circle>",
            x.map(p.x()), y.map(p.y()), s.color(), esc(s.name()), Figures.format(p.x()), Figures.format(p.y())));
      }
    }
    b.append("</g>");
  }

  private void grid(StringBuilder b, Scale x, Scale y) {
    int bottom = HEIGHT - BOTTOM;
    b.append("<g class=\"axes\">");
    for (double t : y.ticks()) {
      double py = y.map(t);
      b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", LEFT, WIDTH - RIGHT, py, py));
      b.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, py + 4,
          esc(Figures.format(t))));
    }
    for (double t : x.ticks()) {
      double px = x.map(t);
      b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", px, px, TOP, bottom));
      b.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", px, bottom + 16,
          esc(xTicks.apply(t))));
    }
    b.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", LEFT, WIDTH - RIGHT, bottom, bottom));
    b.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", LEFT, LEFT, TOP, bottom));
    b.append(String.format(Locale.ROOT, "<text class=\"axis-title\" data-axis=\"x\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
        (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 10, esc(xTitle)));
    b.append(String.format(Locale.ROOT, "<text class=\"axis-title\" data-axis=\"y\" transform=\"translate(16 %d) rotate(-90)\""
        + " text-anchor=\"middle\">%s</text>", (TOP + bottom) / 2, esc(yTitle)));
    b.append("</g>");
  }

  private void legend(StringBuilder b) {
    b.append("<ul class=\"legend\">");
    for (Series s : series) {
      String dash = s.dash() == null ? "" : " stroke-dasharray=\"" + s.dash() + "\"";
      b.append("<li><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" x2=\"28\" y1=\"5\" y2=\"5\" stroke=\"")
          .append(s.color()).append("\" stroke-width=\"2\"").append(dash).append("/></svg>").append(esc(s.name())).append("</li>");
    }
    for (String[] e : legendExtras) {
      b.append("<li><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><rect width=\"28\" height=\"10\" fill=\"").append(e[1])
          .append("\"/></svg>").append(esc(e[0])).append("</li>");
    }
    for (Ref h : hlines) {
      b.append("<li><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" x2=\"28\" y1=\"5\" y2=\"5\" stroke=\"")
          .append(h.color()).append("\" stroke-width=\"1.5\" stroke-dasharray=\"8 4\"/></svg>").append(esc(h.label())).append("</li>");
    }
    b.append("</ul>");
  }

  private Scale xScale() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (Series.Point p : s.points()) {
        if (finite(p) && (!xLog || p.x() > 0)) {
          lo = Math.min(lo, p.x());
          hi = Math.max(hi, p.x());
        }
      }
    }
    for (Rect r : rects) {
      lo = Math.min(lo, r.x0());
      hi = Math.max(hi, r.x1());
    }
    for (Ref v : vlines) {
      lo = Math.min(lo, v.value());
      hi = Math.max(hi, v.value());
    }
    for (Band band : bands) {
      if (Double.isFinite(band.from())) lo = Math.min(lo, band.from());
      if (Double.isFinite(band.to())) hi = Math.max(hi, band.to());
    }
    if (xLog) {
      return Scale.log(lo, hi, LEFT, WIDTH - RIGHT);
    }
    return Scale.linear(xFromZero ? Math.min(0, lo) : lo, hi, LEFT, WIDTH - RIGHT);
  }

  private Scale yScale() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (Series.Point p : s.points()) {
        if (finite(p) && (!yLog || p.y() > 0)) {
          lo = Math.min(lo, p.y());
          hi = Math.max(hi, p.y());
        }
      }
    }
    for (Rect r : rects) {
      hi = Math.max(hi, r.y1());
      lo = Math.min(lo, r.y0());
    }
    for (Ref h : hlines) {
      lo = Math.min(lo, h.value());
      hi = Math.max(hi, h.value());
    }
    if (yLog) {
      return Scale.log(lo, hi, HEIGHT - BOTTOM, TOP);
    }
    // room above the highest point for the reference-line labels
    return Scale.linear(Math.min(0, lo), hi * 1.08, HEIGHT - BOTTOM, TOP);
  }

  private static boolean finite(Series.Point p) {
    return Double.isFinite(p.x()) && Double.isFinite(p.y());
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
