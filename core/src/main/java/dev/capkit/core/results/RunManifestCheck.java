package dev.capkit.core.results;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks {@link RunReader} makes on a parsed run.json beyond types: a known status, step ids
 * that are plain folder names, planned and not repeated, and counts that add up. Each failure names
 * the field and its line.
 */
final class RunManifestCheck {
  private static final Set<String> STATUSES = Set.of(RunManifest.RUNNING, RunManifest.COMPLETE, RunManifest.FAILED);

  private final Path file;
  private final byte[] bytes;

  private RunManifestCheck(Path file, byte[] bytes) {
    this.file = file;
    this.bytes = bytes;
  }

  static void check(Path file, byte[] bytes, RunManifest m, Pattern stepId) throws CorruptFileException {
    new RunManifestCheck(file, bytes).check(m, stepId);
  }

  private void check(RunManifest m, Pattern stepId) throws CorruptFileException {
    if (!STATUSES.contains(m.status())) {
      fail("/status", "status '" + m.status() + "' is not one of " + STATUSES);
    }
    if (m.steps() == null) {
      fail("", "field 'steps' missing");
    }
    Set<String> planned = new HashSet<>();
    if (m.scenario() != null && m.scenario().plannedSteps() != null) {
      m.scenario().plannedSteps().forEach(p -> planned.add(p.id()));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < m.steps().size(); i++) {
      StepSummary s = m.steps().get(i);
      String at = "/steps/" + i;
      if (s == null || s.id() == null || !stepId.matcher(s.id()).matches()) {
        fail(at + "/id", "step id " + (s == null ? null : "'" + s.id() + "'") + " is not a plain folder name " + stepId.pattern());
      }
      if (!seen.add(s.id())) {
        fail(at + "/id", "step id '" + s.id() + "' appears twice");
      }
      if (m.scenario() != null && !planned.contains(s.id())) {
        fail(at + "/id", "step id '" + s.id() + "' is not among scenario.plannedSteps");
      }
      counts(at, s);
    }
  }

  private void counts(String at, StepSummary s) throws CorruptFileException {
    if (s.ok() < 0 || s.ok() > s.sent()) {
      fail(at + "/ok", "step " + s.id() + ": ok " + s.ok() + " is not within [0, sent " + s.sent() + "]");
    }
    long errors = sum(at + "/errors", s.id(), s.errors());
    if (errors != s.sent() - s.ok()) {
      fail(at + "/errors", "step " + s.id() + ": errors add up to " + errors + ", but sent - ok is " + (s.sent() - s.ok()));
    }
    if (s.kinds() != null && !s.kinds().isEmpty()) {
      long sent = 0;
      long ok = 0;
      for (var e : s.kinds().entrySet()) {
        KindSummary k = e.getValue();
        if (k == null || k.ok() < 0 || k.ok() > k.sent()) {
          fail(at + "/kinds/" + e.getKey(), "step " + s.id() + ", kind " + e.getKey() + ": ok is not within [0, sent]");
        }
        sent += k.sent();
        ok += k.ok();
      }
      if (sent != s.sent() || ok != s.ok()) {
        fail(at + "/kinds", "step " + s.id() + ": kinds add up to sent " + sent + ", ok " + ok + "; the step says sent " + s.sent() + ", ok " + s.ok());
      }
    }
    if (s.metrics() != null) {
      for (var e : s.metrics().entrySet()) {
        if (e.getValue() == null || e.getValue().count() < 0) {
          fail(at + "/metrics/" + e.getKey(), "step " + s.id() + ": metric " + e.getKey() + " has no count or a negative one");
        }
      }
    }
  }

  private long sum(String at, String step, Map<String, Long> errors) throws CorruptFileException {
    if (errors == null) {
      return 0;
    }
    long total = 0;
    for (var e : errors.entrySet()) {
      if (e.getValue() == null || e.getValue() < 0) {
        fail(at + "/" + e.getKey(), "step " + step + ": error count '" + e.getKey() + "' is " + e.getValue());
      }
      total += e.getValue();
    }
    return total;
  }

  private void fail(String pointer, String why) throws CorruptFileException {
    throw new CorruptFileException(file, JsonLines.of(bytes).lineOf(pointer), why);
  }

}
