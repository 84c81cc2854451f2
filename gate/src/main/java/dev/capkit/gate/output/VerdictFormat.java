package dev.capkit.gate.output;

import dev.capkit.gate.GateVerdict;

/**
 * One way of writing a {@link GateVerdict}: the terminal table, JUnit XML for CI systems, a
 * Markdown summary. Each is a pure function of the verdict, pinned by one golden file.
 *
 * <pre>{@code
 * for (VerdictFormat f : VerdictFormat.all()) {
 *   Files.writeString(dir.resolve(f.fileName()), f.render(verdict));
 * }
 * }</pre>
 */
public interface VerdictFormat {
  /** Default file name when written to a folder, e.g. {@code junit.xml}. */
  String fileName();

  String render(GateVerdict verdict);

  static java.util.List<VerdictFormat> all() {
    return java.util.List.of(new VerdictTable(), new JUnitXml(), new VerdictMarkdown());
  }
}
