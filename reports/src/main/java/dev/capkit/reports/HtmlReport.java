package dev.capkit.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capacity review page: run folders (results format v1), optionally a plan.json (plan format
 * v1) and a baseline run folder, in; one self-contained HTML file out (inline CSS, inline SVG
 * charts, no external URL). Missing parts (no plan, a partial run, absent interval logs) are
 * listed on the page; unreadable input (no run.json, a broken plan.json) throws with the file,
 * field and value.
 *
 * <pre>{@code
 * Path page = HtmlReport.write(List.of(runFolder), planJsonOrNull, baselineOrNull, Path.of("target/report.html"));
 * }</pre>
 */
public final class HtmlReport {
  private static final Logger LOG = LoggerFactory.getLogger(HtmlReport.class);

  private HtmlReport() {}

  /** Writes the page to {@code out} (atomically: a reader never sees half a page) and returns {@code out}. */
  public static Path write(List<Path> runs, Path planJsonOrNull, Path baselineOrNull, Path out) throws ReportException {
    Path dir = out.toAbsolutePath().getParent();
    String html = render(runs, planJsonOrNull, baselineOrNull, dir);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        // temp files are owner-only; the page is meant to be shared like any other build output
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ReportException(out + ": cannot write the report: " + e.getMessage(), e);
    }
    LOG.debug("report {} written: {} bytes from {} run(s)", out, html.length(), runs.size());
    return out;
  }

  private static Object loadOrError(Path folder) {
    try {
      return RunData.load(folder);
    } catch (ReportException e) {
      return e;
    }
  }

  /**
   * The page as a string. {@code outDir} is where the page will live: links to Gatling's reports are
   * made relative to it.
   */
  public static String render(List<Path> runs, Path planJsonOrNull, Path baselineOrNull, Path outDir) throws ReportException {
    if (runs.isEmpty()) {
      throw new ReportException("no run folder given: the report needs at least one");
    }
    // runs load independently (interval-log decoding is most of the time): in parallel, collected in the given order
    List<RunData> data = new ArrayList<>();
    List<Object> loaded = runs.parallelStream().map(HtmlReport::loadOrError).toList();
    for (Object o : loaded) {
      if (o instanceof ReportException e) {
        throw e;
      }
      data.add((RunData) o);
    }
    PlanDocument plan = planJsonOrNull == null ? null : PlanDocument.read(planJsonOrNull);
    RunData baseline = baselineOrNull == null ? null : RunData.load(baselineOrNull);
    return ReportPage.render(data, plan, baseline, outDir, List.of());
  }
}
