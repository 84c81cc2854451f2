package dev.capkit.core.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Fuzzes the run-folder readers with jqwik (property-based generation on the JUnit 5 platform, so it
 * runs inside {@code mvn verify} with a fixed seed and a bounded number of tries): the format v1
 * golden run with one of its files damaged (bytes overwritten, inserted, deleted, or the file cut) is
 * read by {@link RunVerifier} (every reader: run.json, interval logs, checksums, server samples). The
 * property: it answers, or throws an {@link IOException} naming the problem; never another exception
 * or error (no crash, no uncaught RuntimeException, no OutOfMemoryError from a damaged header); and a
 * changed file of a finished step is always reported (decoding, counts or, at the latest, its checksum).
 */
class ReaderFuzzTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden/run-v1");
  private static final List<String> FILES = List.of("run.json", "steps/s00-qps2-none/e2e.hlog", "steps/s00-qps2-none/ttft.hlog",
      "steps/s00-qps2-none/itl.hlog", "steps/s00-qps2-none/SHA256SUMS");

  private Path run;

  /** One damage to one file. */
  record Damage(String file, int kind, double at, int length, byte fill) {}

  @BeforeProperty
  void copy() throws IOException {
    run = Files.createTempDirectory("capkit-fuzz");
  }

  @AfterProperty
  void delete() throws IOException {
    try (Stream<Path> s = Files.walk(run)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary folder: what is left is the operating system's to clear
    }
  }

  @Provide
  Arbitrary<Damage> damages() {
    return Combinators.combine(Arbitraries.of(FILES), Arbitraries.integers().between(0, 3), Arbitraries.doubles().between(0, 1),
        Arbitraries.integers().between(1, 64), Arbitraries.bytes()).as(Damage::new);
  }

  @Property(tries = 150, seed = "16")
  void everyReaderAnswersOrNamesTheProblem(@ForAll("damages") Damage d) throws IOException {
    Path folder = run.resolve("r" + System.nanoTime());
    try (Stream<Path> files = Files.walk(GOLDEN)) {
      for (Path f : files.toList()) {
        Path to = folder.resolve(GOLDEN.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    Path file = folder.resolve(d.file());
    byte[] b = Files.readAllBytes(file);
    int at = (int) Math.min(b.length - 1, Math.floor(d.at() * b.length));
    byte[] out = switch (d.kind()) {
      case 0 -> overwrite(b, at, d.length(), d.fill());
      case 1 -> insert(b, at, d.length(), d.fill());
      case 2 -> cut(b, at, d.length());
      default -> java.util.Arrays.copyOf(b, at);
    };
    Files.write(file, out);
    try {
      RunVerifier.Result r = RunVerifier.verify(folder);
      if (d.file().startsWith("steps/") && !java.util.Arrays.equals(b, out) && r.ok()) {
        throw new AssertionError("a changed file of a finished step went unnoticed: " + d);
      }
    } catch (IOException e) {
      // an answer: the problem is named
    }
  }

  private static byte[] overwrite(byte[] b, int at, int n, byte fill) {
    byte[] out = b.clone();
    for (int i = at; i < Math.min(b.length, at + n); i++) {
      out[i] = (byte) (fill + i);
    }
    return out;
  }

  private static byte[] insert(byte[] b, int at, int n, byte fill) {
    byte[] out = new byte[b.length + n];
    System.arraycopy(b, 0, out, 0, at);
    java.util.Arrays.fill(out, at, at + n, fill);
    System.arraycopy(b, at, out, at + n, b.length - at);
    return out;
  }

  private static byte[] cut(byte[] b, int at, int n) {
    int end = Math.min(b.length, at + n);
    byte[] out = new byte[b.length - (end - at)];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, end, out, at, b.length - end);
    return out;
  }
}
