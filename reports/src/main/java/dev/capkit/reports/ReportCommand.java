package dev.capkit.reports;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
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
    List<Path> runs = new ArrayList<>();
    Path plan = null;
    Path baseline = null;
    Path target = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-h", "--help" -> {
          out.println(USAGE);
          out.println("Writes one self-contained HTML page (inline CSS and SVG, nothing fetched) for a capacity review.");
          return 0;
        }
        case "--plan", "--baseline", "--out" -> {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            err.println("capkit report: option " + a + " needs a value\n" + USAGE);
            return 2;
          }
          Path v = Path.of(args[++i]);
          if (a.equals("--plan")) {
            plan = v;
          } else if (a.equals("--baseline")) {
            baseline = v;
          } else {
            target = v;
          }
        }
        default -> {
          if (a.startsWith("--")) {
            err.println("capkit report: unknown option '" + a + "' (known: --plan, --baseline, --out)\n" + USAGE);
            return 2;
          }
          runs.add(Path.of(a));
        }
      }
    }
    if (target == null) {
      err.println("capkit report: --out is required\n" + USAGE);
      return 2;
    }
    if (runs.isEmpty()) {
      err.println("capkit report: no run folder given\n" + USAGE);
      return 2;
    }
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
