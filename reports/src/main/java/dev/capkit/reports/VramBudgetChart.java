package dev.capkit.reports;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * GPU memory per tier as a horizontal stacked bar from plan.json's {@code vram}: weights, non-KV
 * overhead, KV cache the target load needs, and KV room left, against the GPU's VRAM (the bar's
 * full length is the tier's {@code vramGib}; the part vLLM may not use is drawn hatched-grey).
 * Each segment is a {@code <rect data-segment=...>} with the GiB figure in {@code data-value}.
 */
final class VramBudgetChart {
  private static final int WIDTH = 760;
  private static final int LEFT = 190;
  private static final int RIGHT = 20;
  private static final int ROW = 34;
  private static final String[][] SEGMENTS = {
      {"weights", "weightsGib", "#0072B2"}, {"overhead (non-KV)", "nonKvGib", "#E69F00"}, {"KV needed at target", "kvNeededGib", "#D55E00"},
      {"KV room free", "kvFreeGib", "#9ad0b8"}, {"not usable by vLLM", "reservedGib", "#dddddd"}};

  private VramBudgetChart() {}

  static String html(PlanDocument plan) {
    List<JsonNode> tiers = plan.tiers();
    double max = 0;
    for (JsonNode t : tiers) {
      max = Math.max(max, Math.max(PlanDocument.number(t, "vramGib"), sum(t.path("vram"))));
    }
    if (tiers.isEmpty() || !(max > 0)) {
      return "<p class=\"empty\" data-chart=\"vram\">No chart: plan.json has no VRAM figures.</p>";
    }
    double step = max > 100 ? 20 : max > 40 ? 10 : 5;
    double top = Math.ceil(max / step) * step;
    int height = 30 + ROW * tiers.size() + 40;
    double scale = (WIDTH - LEFT - RIGHT) / top;
    StringBuilder b = new StringBuilder("<figure><svg class=\"chart\" data-chart=\"vram\" viewBox=\"0 0 " + WIDTH + " " + height
        + "\" role=\"img\" aria-label=\"VRAM budget per tier in GiB\"><g class=\"axes\">");
    int axisY = 20 + ROW * tiers.size();
    for (double v = 0; v <= top + 1e-9; v += step) {
      double x = LEFT + v * scale;
      b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"14\" y2=\"%d\"/>", x, x, axisY));
      b.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, axisY + 16,
          Figures.format(v)));
    }
    b.append(String.format(Locale.ROOT, "<text class=\"axis-title\" data-axis=\"x\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">GPU memory"
        + " per replica (GiB)</text></g>", (LEFT + WIDTH - RIGHT) / 2, height - 6));
    int row = 0;
    for (JsonNode t : tiers) {
      JsonNode v = t.path("vram");
      int y = 20 + ROW * row++;
      String tier = t.path("tier").asText();
      b.append("<g class=\"vram-bar\" data-tier=\"").append(Html.esc(tier)).append("\">");
      b.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT - 8, y + 12,
          Html.esc(tier + " " + PlanDocument.text(v, "dtype", "") + (t.path("fits").asBoolean(true) ? "" : " ✗"))));
      b.append(String.format(Locale.ROOT, "<text class=\"small\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT - 8, y + 25,
          Html.esc(t.path("gpu").asText() + ", " + Figures.format(PlanDocument.number(t, "vramGib")) + " GiB")));
      double x = LEFT;
      for (String[] seg : SEGMENTS) {
        double gib = segment(t, seg[1]);
        if (!(gib > 0)) {
          continue;
        }
        double w = gib * scale;
        b.append(String.format(Locale.ROOT, "<rect data-segment=\"%s\" data-value=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\""
            + " fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.5\"><title>%s %s: %s GiB</title></rect>", seg[1], Figures.raw(gib), x, y, w,
            seg[2], Html.esc(tier), seg[0], Figures.format(gib)));
        x += w;
      }
      String reason = PlanDocument.text(v, "reason", null);
      if (reason != null) {
        b.append(String.format(Locale.ROOT, "<title>%s</title>", Html.esc(reason)));
      }
      b.append("</g>");
    }
    b.append("</svg><ul class=\"legend\">");
    for (String[] seg : SEGMENTS) {
      b.append("<li><svg width=\"28\" height=\"10\" aria-hidden=\"true\"><rect width=\"28\" height=\"10\" fill=\"").append(seg[2])
          .append("\"/></svg>").append(seg[0]).append("</li>");
    }
    b.append("</ul><figcaption>VRAM budget per tier (plan.json tiers[].vram: weightsGib, nonKvGib, kvNeededGib; KV room free ="
        + " kvRoomGib − kvNeededGib; not usable = vramGib − usableGib). ✗ = does not fit.</figcaption></figure>");
    b.append(reasons(tiers));
    return b.toString();
  }

  private static String reasons(List<JsonNode> tiers) {
    StringBuilder b = new StringBuilder();
    for (JsonNode t : tiers) {
      String reason = PlanDocument.text(t.path("vram"), "reason", null);
      if (reason != null) {
        b.append("<li>").append(Html.esc(t.path("tier").asText() + ": " + reason)).append("</li>");
      }
    }
    return b.length() == 0 ? "" : "<ul class=\"warn\">" + b + "</ul>";
  }

  /** GiB of one segment; derived segments are differences of plan.json fields, never new figures. */
  static double segment(JsonNode tier, String key) {
    JsonNode v = tier.path("vram");
    return switch (key) {
      case "kvFreeGib" -> {
        double room = PlanDocument.number(v, "kvRoomGib");
        double needed = PlanDocument.number(v, "kvNeededGib");
        yield Double.isNaN(needed) ? room : room - needed;
      }
      case "reservedGib" -> PlanDocument.number(tier, "vramGib") - PlanDocument.number(v, "usableGib");
      default -> PlanDocument.number(v, key);
    };
  }

  private static double sum(JsonNode v) {
    double s = 0;
    for (String k : List.of("weightsGib", "nonKvGib", "kvRoomGib")) {
      double x = PlanDocument.number(v, k);
      s += Double.isNaN(x) ? 0 : x;
    }
    return s;
  }
}
