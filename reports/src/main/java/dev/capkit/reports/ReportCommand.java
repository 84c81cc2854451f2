package dev.capkit.reports;

import dev.capkit.core.cli.CommandLine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./capkit report <run folders...> [--plan plan.json] [--baseline run] --out report.html}.
 * Exit status 0 when the page was written, 2 on bad input (the message names the file, field or
 * option and the value).
 *
 * <pre>{@code
 * ./capkit report simulations/target/capkit-runs/quickstart-20261125-180021 --plan target/plan/plan.json --out target/report.html
 * }</pre>
 */
public final class ReportCommand {
  static final String USAGE = "usage: ./capkit report <run folder>... [--plan plan.json] [--baseline <run folder>] --out report.html";

  private ReportCommand() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl;
    Path target;
    try {
      cl = CommandLine.parse(args, List.of("--plan", "--baseline", "--out"), List.of());
      if (cl.help()) {
        out.println(USAGE);
        out.println("Writes one self-contained HTML page (inline CSS and SVG, nothing fetched) for a capacity review.");
        return 0;
      }
      target = Path.of(cl.require("--out", "the HTML file to write"));
      if (cl.positional().isEmpty()) {
        throw new CommandLine.UsageException("no run folder given");
      }
    } catch (CommandLine.UsageException e) {
      err.println("capkit report: " + e.getMessage() + "\n" + USAGE);
      return 2;
    }
    List<Path> runs = cl.positional().stream().map(Path::of).toList();
    Path plan = cl.path("--plan").orElse(null);
    Path baseline = cl.path("--baseline").orElse(null);
    try {
      HtmlReport.write(runs, plan, baseline, target);
    } catch (ReportException e) {
      err.println("capkit report: " + e.getMessage());
      return 2;
    }
    out.println("capkit report: " + target.toAbsolutePath());
    return 0;
  }
}
