package dev.capkit.reports;

import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.TargetInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** What was measured, from run.json: scenario, target, tier, software versions, dates, duration, status, notes, Gatling's report. */
final class RunHeader {
  private RunHeader() {}

  static String html(RunData r, Path outDir) {
    RunManifest m = r.run().manifest();
    StringBuilder b = new StringBuilder();
    b.append("<table class=\"kv run-header\" data-run=\"").append(Html.esc(r.id())).append("\"><caption>Run ").append(Html.esc(r.id()))
        .append("</caption><tbody>");
    row(b, "folder", r.folder().toString());
    if (m.scenario() != null) {
      var s = m.scenario();
      row(b, "scenario", s.name() + " (" + s.source() + "), seed " + s.seed() + ", " + s.loadModel() + " loop, arrivals " + s.arrivals());
      row(b, "model", s.model());
    }
    if (m.target() != null) {
      var t = m.target();
      row(b, "target", t.url() + " (" + t.kind() + ")"
          + (t.emulator() != null && t.emulator().containsKey("description") ? ": " + t.emulator().get("description") : ""));
      row(b, "tier", r.tier());
      row(b, "basis", TargetInfo.EMULATED.equals(t.basis())
          ? "emulated: capkit's emulator answered (its timing is the twin's model, not a measurement of a server)"
          + (t.faultHooks().isEmpty() ? "" : "; fault hooks on: " + t.faultHooks())
          : "measured: a real server answered");
    }
    if (m.software() != null) {
      StringBuilder v = new StringBuilder();
      for (Map.Entry<String, String> e : m.software().entrySet()) {
        v.append(v.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
      }
      row(b, "versions", v.toString());
    }
    row(b, "started", String.valueOf(m.startedAt()));
    row(b, "ended", m.endedAt() == null ? "not ended (run still going or killed)" : m.endedAt());
    Instant start = RunData.instant(m.startedAt());
    Instant end = RunData.instant(m.endedAt());
    if (start != null && end != null) {
      double seconds = (end.toEpochMilli() - start.toEpochMilli()) / 1000.0;
      b.append("<tr><th>duration</th><td data-value=\"").append(Figures.raw(seconds)).append("\">").append(Figures.format(seconds))
          .append(" s (endedAt − startedAt)</td></tr>");
    }
    int planned = m.scenario() == null ? r.steps().size() : m.scenario().plannedSteps().size();
    row(b, "status", m.status() + ": " + r.steps().size() + " of " + planned + " planned step(s) finished");
    b.append("<tr><th>Gatling report</th><td>").append(gatlingLink(m.gatlingReport(), outDir)).append("</td></tr>");
    if (m.notes() != null) {
      for (String n : m.notes()) {
        b.append("<tr class=\"warn\"><th>note</th><td>").append(Html.esc(n)).append("</td></tr>");
      }
    }
    b.append("</tbody></table>");
    return b.toString();
  }

  /**
   * A relative link when the report exists on disk, so the pair of files can move together. The main
   * job writes this page before Gatling writes its own report into its (already created) folder, so
   * a report whose folder exists is linked by its final path, saying it is written when Gatling ends.
   */
  static String gatlingLink(String report, Path outDir) {
    if (report == null) {
      return "none recorded in run.json (gatlingReport null)";
    }
    Path p = Path.of(report);
    boolean pending = !Files.exists(p) && p.getParent() != null && Files.isDirectory(p.getParent());
    if (!Files.exists(p) && !pending) {
      return Html.esc(report) + " (not found on this disk)";
    }
    String href;
    try {
      href = outDir.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
    } catch (IllegalArgumentException e) {
      href = p.toAbsolutePath().toUri().toString();
    }
    return "<a class=\"gatling\" href=\"" + Html.esc(href) + "\">" + Html.esc(report) + "</a>"
        + (pending ? " (Gatling writes it when the simulation ends)" : "");
  }

  private static void row(StringBuilder b, String key, String value) {
    b.append("<tr><th>").append(Html.esc(key)).append("</th><td>").append(Html.esc(value)).append("</td></tr>");
  }
}
