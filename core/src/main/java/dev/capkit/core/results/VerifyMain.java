package dev.capkit.core.results;

import dev.capkit.core.cli.CommandLine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./capkit verify <run folder>...}: checks run folders end to end ({@link RunVerifier}) and
 * prints what was checked and every problem. Exit status 0 every folder sound, 1 a problem found
 * (corrupt or truncated file, counts that disagree, a checksum mismatch), 2 unusable input (not a
 * run folder, bad option).
 *
 * <pre>{@code
 * int status = VerifyMain.run(new String[] {"simulations/target/capkit-runs/quickstart-20260101-120000"});
 * }</pre>
 */
public final class VerifyMain {
  static final String USAGE = """
      usage: capkit verify <run folder>... [--quiet]
        checks run.json, every interval log (each line decodes, counts equal run.json's), step checksums
        (SHA256SUMS) and server-metrics.jsonl; a torn last line of a step still being written is reported, not refused
        --quiet      print problems only
      exit status: 0 sound, 1 a problem found, 2 not a run folder or bad option
      """;

  private VerifyMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    try {
      CommandLine cl = CommandLine.parse(args, List.of(), List.of("--quiet"));
      if (cl.positional().isEmpty()) {
        throw new IllegalArgumentException("no run folder given");
      }
      boolean quiet = cl.has("--quiet");
      int status = 0;
      for (String f : cl.positional()) {
        RunVerifier.Result r = RunVerifier.verify(Path.of(f));
        if (!quiet) {
          r.checked().forEach(c -> out.println("capkit verify: " + f + ": ok: " + c));
        }
        r.problems().forEach(p -> out.println("capkit verify: CORRUPT: " + p));
        out.println("capkit verify: " + f + ": " + (r.ok() ? "sound" : r.problems().size() + " problem(s)"));
        status = r.ok() ? status : 1;
      }
      return status;
    } catch (IllegalArgumentException | IOException e) {
      err.println("capkit verify: " + e.getMessage());
      return 2;
    }
  }
}
