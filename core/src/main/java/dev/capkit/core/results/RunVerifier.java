package dev.capkit.core.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a run folder end to end, every check the readers make plus the step checksums:
 * run.json (format, step ids, counts that add up), every interval log of every finished step (each
 * line decodes, the file is whole, its values equal run.json's counts overall and per request kind),
 * {@code counts.csv} of every step ({@link CountsLog}, when the run has them), {@code SHA256SUMS} of every finished step ({@link StepChecksums}), the logs of unfinished steps of a
 * partial run (a torn last line is reported as such, not as a problem), step folders that belong to
 * no planned step, and {@code server-metrics.jsonl}. The command is {@code capkit verify} ({@link VerifyMain}).
 *
 * <pre>{@code
 * RunVerifier.Result r = RunVerifier.verify(Path.of("simulations/target/capkit-runs/quickstart-20260101-120000"));
 * r.problems().forEach(System.out::println);
 * }</pre>
 *
 * @see RunReader the format, and what "torn" and "corrupt" mean
 */
public final class RunVerifier {
  private RunVerifier() {}

  /**
   * What was found.
   *
   * @param checked  one line per thing checked and found sound
   * @param problems one sentence per problem, naming the file, the line when there is one, and why
   */
  public record Result(Path folder, List<String> checked, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Verifies {@code folder}.
   *
   * @throws IOException when it is not a run folder at all (no run.json) or cannot be read
   */
  public static Result verify(Path folder) throws IOException {
    List<String> checked = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    RunReader.Run run;
    try {
      run = RunReader.read(folder);
    } catch (CorruptFileException e) {
      problems.add(e.getMessage());
      return new Result(folder, checked, problems);
    }
    checked.add(rel(folder, folder.resolve("run.json")) + ": format v" + RunReader.FORMAT_VERSION + ", status " + run.manifest().status()
        + ", " + run.steps().size() + " finished step(s), counts add up");
    for (StepSummary s : run.steps()) {
      finishedStep(run, s, checked, problems);
    }
    for (String id : run.unfinishedSteps()) {
      unfinishedStep(run, id, checked, problems);
    }
    strayFolders(run, problems);
    try {
      ServerSamplesReader.read(folder).ifPresent(s -> checked.add(ServerSamplesReader.FILE_NAME + ": " + s.samples().size() + " sample line(s)"));
    } catch (IOException e) {
      problems.add(e.getMessage());
    }
    return new Result(folder, checked, problems);
  }

  private static void finishedStep(RunReader.Run run, StepSummary s, List<String> checked, List<String> problems) throws IOException {
    Path dir = RunLayout.of(run.folder()).stepDir(s.id());
    int before = problems.size();
    long values = 0;
    for (Metric m : Metric.values()) {
      try {
        var h = run.histogram(s.id(), m).get("*");
        values += h == null ? 0 : h.getTotalCount();
      } catch (CorruptFileException e) {
        problems.add(e.getMessage());
      }
    }
    if (problems.size() == before) {
      checked.add(rel(run.folder(), dir) + ": " + Metric.values().length + " interval logs whole, " + values
          + " values in all, equal to run.json's counts per metric and kind");
    }
    try {
      run.counts(s.id()).ifPresentOrElse(
          c -> checked.add(rel(run.folder(), RunLayout.of(run.folder()).counts(s.id())) + ": " + c.lines().size()
              + " line(s), sent/ok/good adding up to run.json's per kind"),
          () -> checked.add(rel(run.folder(), dir) + ": no " + CountsLog.FILE_NAME + " (written before per-second counts were kept)"));
    } catch (CorruptFileException e) {
      problems.add(e.getMessage());
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    if (Files.exists(dir.resolve(StepChecksums.FILE_NAME))) {
      List<String> bad = StepChecksums.check(dir);
      problems.addAll(bad);
      if (bad.isEmpty()) {
        checked.add(rel(run.folder(), dir.resolve(StepChecksums.FILE_NAME)) + ": every file matches");
      }
    } else {
      checked.add(rel(run.folder(), dir) + ": no " + StepChecksums.FILE_NAME + " (written before checksums existed): not hash-checked");
    }
  }

  private static void unfinishedStep(RunReader.Run run, String id, List<String> checked, List<String> problems) throws IOException {
    try {
      run.counts(id).ifPresent(c -> checked.add(rel(run.folder(), RunLayout.of(run.folder()).counts(id)) + ": unfinished step, "
          + c.lines().size() + " whole line(s)" + (c.tornLine() > 0 ? "; torn last line " + c.tornLine() + " ignored" : "")));
    } catch (CorruptFileException e) {
      problems.add(e.getMessage());
    }
    for (Metric m : Metric.values()) {
      Path file = run.intervalLog(id, m);
      if (!Files.exists(file)) {
        continue;
      }
      try {
        IntervalLogReader.Summary sum = IntervalLogReader.read(file, IntervalLogReader.End.MAY_BE_TORN, h -> { });
        checked.add(rel(run.folder(), file) + ": unfinished step, " + sum.intervals() + " whole interval line(s)"
            + (sum.tornLine() > 0 ? "; torn last line " + sum.tornLine() + " ignored (the writer stopped mid-line)" : ""));
      } catch (CorruptFileException e) {
        problems.add(e.getMessage());
      }
    }
  }

  private static void strayFolders(RunReader.Run run, List<String> problems) throws IOException {
    Path steps = RunLayout.of(run.folder()).stepsDir();
    if (run.manifest().scenario() == null || !Files.isDirectory(steps)) {
      return;
    }
    Set<String> planned = new HashSet<>();
    run.manifest().scenario().plannedSteps().forEach(p -> planned.add(p.id()));
    try (Stream<Path> s = Files.list(steps)) {
      for (Path p : s.sorted().toList()) {
        if (!planned.contains(p.getFileName().toString())) {
          problems.add(p + ": not a planned step of this run (scenario.plannedSteps in run.json)");
        }
      }
    }
  }

  private static String rel(Path folder, Path p) {
    return folder.relativize(p).toString();
  }
}
