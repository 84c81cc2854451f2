package dev.capkit.reports.bench;

import dev.capkit.reports.Fixtures;
import dev.capkit.reports.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How long the report takes for many runs: copies one run folder N times (each copy its own runId,
 * so every copy gets its own sections and charts), then times {@link HtmlReport#write} over all of
 * them with the fixture plan: the first call in a fresh JVM (what {@code ./capkit report} and the
 * main job pay) and the median of 5 further calls.
 *
 * <pre>
 * mvn -q -pl reports -am -Pbench -DskipTests test                       # 20 copies of the fixture run
 * mvn -q -pl reports -am -Pbench -DskipTests test -Dbench.runs=20 -Dbench.source=$PWD/simulations/target/capkit-runs/&lt;run&gt;
 * </pre>
 */
public final class ReportBenchmark {
  private ReportBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.getInteger("bench.runs", 20);
    String src = System.getProperty("bench.source", "");
    Path source = Path.of(src.isBlank() ? "src/test/resources/fixture/run-quickstart" : src);
    Path plan = Path.of("src/test/resources/fixture/plan/plan.json");
    Path dir = Files.createTempDirectory("capkit-report-bench");
    List<Path> runs = new ArrayList<>();
    String runJson = Files.readString(source.resolve("run.json"));
    String runId = runJson.replaceAll("(?s).*?\"runId\" : \"([^\"]+)\".*", "$1");
    for (int i = 0; i < n; i++) {
      Path copy = dir.resolve(String.format(Locale.ROOT, "run-%02d", i));
      Fixtures.copyTree(source, copy);
      Files.writeString(copy.resolve("run.json"), runJson.replace("\"runId\" : \"" + runId + "\"", "\"runId\" : \"" + runId + "-" + i + "\""));
      runs.add(copy);
    }
    Path out = dir.resolve("report.html");
    long t0 = System.nanoTime();
    HtmlReport.write(runs, plan, runs.get(0), out);
    double cold = (System.nanoTime() - t0) / 1e9;
    double[] warm = new double[5];
    for (int i = 0; i < warm.length; i++) {
      long t = System.nanoTime();
      HtmlReport.write(runs, plan, runs.get(0), out);
      warm[i] = (System.nanoTime() - t) / 1e9;
    }
    Arrays.sort(warm);
    System.out.printf(Locale.ROOT, "report for %d runs of %s (%d steps each) + plan + baseline: %,d bytes; first call %.2f s,"
        + " then median %.2f s (min %.2f, max %.2f) of %d; %d cpus%n", n, source.getFileName(), countSteps(source), Files.size(out), cold,
        warm[warm.length / 2], warm[0], warm[warm.length - 1], warm.length, Runtime.getRuntime().availableProcessors());
  }

  private static long countSteps(Path run) throws IOException {
    try (Stream<Path> s = Files.list(run.resolve("steps"))) {
      return s.count();
    }
  }
}
