package dev.capkit.reports;

/** Escaping for text and attribute values; the report builds its markup as strings. */
final class Html {
  private Html() {}

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A table cell holding a number: formatted text, the unrounded value in {@code data-value}. */
  static String num(double v) {
    return "<td class=\"n\" data-value=\"" + Figures.raw(v) + "\">" + Figures.format(v) + "</td>";
  }

  /** A numeric cell tied to a source field, so tests can check it against the file. */
  static String num(double v, String field) {
    return "<td class=\"n\" data-field=\"" + esc(field) + "\" data-value=\"" + Figures.raw(v) + "\">" + Figures.format(v) + "</td>";
  }

  static String td(String text) {
    return "<td>" + esc(text) + "</td>";
  }

  static String th(String text) {
    return "<th>" + esc(text) + "</th>";
  }
}
