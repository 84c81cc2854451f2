package dev.capkit.reports.chart;

/** Colours that stay distinct on screen, in greyscale print and for common colour-vision deficiencies (Okabe-Ito). */
public final class Palette {
  private static final String[] COLORS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8c564b"};

  private Palette() {}

  public static String color(int i) {
    return COLORS[Math.floorMod(i, COLORS.length)];
  }

  /** Dash pattern cycling after the colours run out, so the ninth series still differs from the first. */
  public static String dash(int i) {
    return switch (Math.floorMod(i / COLORS.length, 3)) {
      case 0 -> null;
      case 1 -> "6 3";
      default -> "2 2";
    };
  }
}
