package dev.capkit.core.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 checksums of a finished step's files, {@code steps/<step id>/SHA256SUMS}. Format: one
 * line per file of the step folder in name order, {@code <64 lowercase hex>  <file name>} (two
 * spaces), UTF-8, newline-terminated; the format GNU {@code sha256sum} writes and {@code sha256sum -c}
 * checks. Written by {@link RunWriter#finishStep} after the step's logs are closed and before run.json
 * lists the step (and by tools that write finished steps, such as the merge); checked by
 * {@link RunVerifier}. A step folder without the file (written before checksums existed) is not an
 * error, and the checks of {@link RunReader} still apply to it.
 *
 * <pre>{@code
 * StepChecksums.write(runFolder.resolve("steps/s00-qps1-none"));
 * List<String> problems = StepChecksums.check(runFolder.resolve("steps/s00-qps1-none"));
 * }</pre>
 */
public final class StepChecksums {
  public static final String FILE_NAME = "SHA256SUMS";

  private StepChecksums() {}

  /** Writes {@code SHA256SUMS} for every other regular file of {@code stepFolder}. */
  public static void write(Path stepFolder) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Path f : files(stepFolder)) {
      b.append(sha256(f)).append("  ").append(f.getFileName()).append('\n');
    }
    Path tmp = stepFolder.resolve(FILE_NAME + ".tmp");
    Files.writeString(tmp, b, StandardCharsets.UTF_8);
    Files.move(tmp, stepFolder.resolve(FILE_NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Checks {@code stepFolder}'s files against its {@code SHA256SUMS}: each problem as one sentence
   * naming the file (and the line of SHA256SUMS); empty when they all match.
   *
   * @throws java.nio.file.NoSuchFileException when the folder has no SHA256SUMS
   */
  public static List<String> check(Path stepFolder) throws IOException {
    Path sums = stepFolder.resolve(FILE_NAME);
    String text = Files.readString(sums, StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    List<String> problems = new ArrayList<>();
    if (!text.endsWith("\n")) {
      problems.add(sums + ": line " + Math.max(1, lines.size()) + ": file ends without a newline: truncated");
    }
    List<String> listed = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.length() < 67 || !line.substring(0, 64).matches("[0-9a-f]{64}") || !line.startsWith("  ", 64)) {
        problems.add(sums + ": line " + (i + 1) + ": not '<sha-256 hex>  <file name>'");
        continue;
      }
      String name = line.substring(66);
      Path f = stepFolder.resolve(name).normalize();
      if (name.contains("/") || name.contains("\\") || !stepFolder.equals(f.getParent())) {
        problems.add(sums + ": line " + (i + 1) + ": '" + name + "' is not a file of the step folder");
        continue;
      }
      listed.add(name);
      if (!Files.isRegularFile(f)) {
        problems.add(f + ": missing (listed in " + sums + " line " + (i + 1) + ")");
      } else if (!sha256(f).equals(line.substring(0, 64))) {
        problems.add(f + ": SHA-256 differs from " + sums + " line " + (i + 1) + ": the file changed after the step finished");
      }
    }
    for (Path f : files(stepFolder)) {
      if (!listed.contains(f.getFileName().toString())) {
        problems.add(f + ": not listed in " + sums + ": added after the step finished");
      }
    }
    return problems;
  }

  private static List<Path> files(Path stepFolder) throws IOException {
    try (Stream<Path> s = Files.list(stepFolder)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(FILE_NAME))
          .sorted().toList();
    }
  }

  static String sha256(Path f) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (var in = Files.newInputStream(f)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
