package dev.capkit.planner;

import dev.capkit.core.results.CorruptFileException;
import dev.capkit.planner.capacity.LatencyQuantiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Reads one interval log of a run folder (results format v1, see {@code RunReader}) straight into a
 * {@link LatencyQuantiles} pooled over all intervals and request kinds, without building an
 * HdrHistogram per line. Why: decoding a line with HdrHistogram allocates a full-range histogram
 * (1 us..1 h at 3 digits: ~45,000 counters, 360 KB), and a 60-s step holds one line per kind per
 * second, so 100 runs of 20 steps would allocate hundreds of gigabytes. This reader inflates each
 * line's payload into a reused buffer and walks its ZigZag-LEB128 counts (HdrHistogram's V2
 * encoding), mapping indexes to values with HdrHistogram's bucket arithmetic. Lines it does not
 * understand (another encoding) fall back to {@link HistogramLogReader}'s decoder. The planner reads
 * finished steps only, so a line that decodes with neither, anywhere in the file, is a
 * {@link CorruptFileException} naming the file and line (a torn last line is tolerated only for
 * unfinished steps, which the planner never reads; see {@code RunReader}); {@link Decoded#byKind}
 * lets the caller cross-check the counts with run.json ({@code RunReader.crossCheckCounts}).
 *
 * <pre>{@code
 * LatencyQuantiles q = HlogQuantiles.read(run.resolve("steps/s03-qps1.5-none/e2e-intended.hlog"));
 * }</pre>
 */
public final class HlogQuantiles {
  private static final int V2_COOKIE = 0x1c849303;
  private static final int V2_COMPRESSED_COOKIE = 0x1c849304;
  private static final int HEADER_BYTES = 40;

  private final Inflater inflater = new Inflater();
  private byte[] buffer = new byte[1 << 16];
  private final TreeMap<Long, Long> counts = new TreeMap<>();
  private int fallbacks;
  private int lines;
  private long total;
  private final Map<String, Long> byKind = new java.util.TreeMap<>();

  private HlogQuantiles() {}

  /** The pooled quantile function of the log; empty when the file does not exist. */
  public static LatencyQuantiles read(Path file) throws IOException {
    return decode(file).quantiles();
  }

  /**
   * What {@link #read} saw: the result, lines decoded, how many needed HdrHistogram's own decoder,
   * and the values per request kind ({@code *} for all).
   */
  record Decoded(LatencyQuantiles quantiles, int lines, int fallbacks, Map<String, Long> byKind) {}

  static Decoded decode(Path file) throws IOException {
    HlogQuantiles r = new HlogQuantiles();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.startsWith("#") || line.startsWith("\"")) {
          continue;
        }
        r.lines++;
        long before = r.total;
        String problem = line.isEmpty() ? "empty line" : r.line(line);
        if (problem != null) {
          throw new CorruptFileException(file, lineNo, problem);
        }
        String tag = line.startsWith("Tag=") ? line.substring(4, Math.max(4, line.indexOf(','))) : "untagged";
        r.byKind.merge(tag, r.total - before, Long::sum);
      }
    } catch (NoSuchFileException e) {
      return new Decoded(LatencyQuantiles.ofMicros(null), 0, 0, Map.of());
    } catch (java.nio.charset.MalformedInputException e) {
      throw new CorruptFileException(file, 0, "holds bytes that are not ASCII");
    } finally {
      r.inflater.end();
    }
    r.byKind.put("*", r.total);
    return new Decoded(r.result(), r.lines, r.fallbacks, Map.copyOf(r.byKind));
  }

  /** Adds one interval line's counts; null when it decoded, else why not. */
  private String line(String line) {
    int comma = line.lastIndexOf(',');
    if (comma < 0) {
      return "not an interval line (no comma)";
    }
    byte[] compressed;
    try {
      compressed = Base64.getDecoder().decode(line.substring(comma + 1).trim());
    } catch (IllegalArgumentException e) {
      return "histogram payload is not base64 (" + e.getMessage() + ")";
    }
    ByteBuffer b = ByteBuffer.wrap(compressed);
    if (compressed.length < 8 || cookieBase(b.getInt()) != V2_COMPRESSED_COOKIE) {
      return fallback(compressed);
    }
    int length = b.getInt();
    inflater.reset();
    inflater.setInput(compressed, 8, Math.min(length, compressed.length - 8));
    int n = 0;
    try {
      while (!inflater.finished()) {
        if (n == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int got = inflater.inflate(buffer, n, buffer.length - n);
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          return "histogram payload ends before its compressed data does";
        }
        n += got;
      }
    } catch (DataFormatException e) {
      return "histogram payload does not inflate (" + e.getMessage() + ")";
    }
    ByteBuffer p = ByteBuffer.wrap(buffer, 0, n);
    if (n < HEADER_BYTES || cookieBase(p.getInt()) != V2_COOKIE) {
      return fallback(compressed);
    }
    int payload = p.getInt();
    int normalizingOffset = p.getInt();
    int digits = p.getInt();
    long lowest = p.getLong();
    p.getLong(); // highest trackable value: not needed to map indexes
    p.getDouble(); // integer-to-double ratio: 1 for integer histograms
    if (normalizingOffset != 0) {
      return fallback(compressed);
    }
    int subBucketCountMagnitude = (int) Math.ceil(Math.log(2 * Math.pow(10, digits)) / Math.log(2));
    int subBucketHalfCountMagnitude = subBucketCountMagnitude - 1;
    int subBucketHalfCount = 1 << subBucketHalfCountMagnitude;
    int unitMagnitude = (int) Math.floor(Math.log(lowest) / Math.log(2));
    int end = Math.min(n, HEADER_BYTES + payload);
    int index = 0;
    while (p.position() < end) {
      long count = zigZag(p);
      if (count < 0) {
        index += (int) -count; // a run of empty buckets
        continue;
      }
      if (count > 0) {
        int bucket = (index >> subBucketHalfCountMagnitude) - 1;
        int sub = (index & (subBucketHalfCount - 1)) + subBucketHalfCount;
        if (bucket < 0) {
          sub -= subBucketHalfCount;
          bucket = 0;
        }
        long value = (long) sub << (bucket + unitMagnitude);
        long highestEquivalent = value + (1L << (bucket + unitMagnitude)) - 1;
        counts.merge(highestEquivalent, count, Long::sum);
        total += count;
      }
      index++;
    }
    return null;
  }

  /** The cookie without its word-size bits (HdrHistogram sets 0x10 there for V2's LEB128 encoding). */
  private static int cookieBase(int cookie) {
    return cookie & ~0xf0;
  }

  /** HdrHistogram's ZigZag LEB128: 7 bits per byte for 8 bytes, all 8 bits of a 9th. */
  private static long zigZag(ByteBuffer b) {
    long value = 0;
    for (int shift = 0; shift < 56; shift += 7) {
      long x = b.get();
      value |= (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return (value >>> 1) ^ -(value & 1);
      }
    }
    value |= ((long) b.get() & 0xFF) << 56;
    return (value >>> 1) ^ -(value & 1);
  }

  private String fallback(byte[] compressed) {
    fallbacks++;
    try {
      EncodableHistogram e = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed), 0);
      Histogram h = (Histogram) e;
      for (var v : h.recordedValues()) {
        counts.merge(h.highestEquivalentValue(v.getValueIteratedTo()), v.getCountAtValueIteratedTo(), Long::sum);
      }
      total += h.getTotalCount();
      return null;
    } catch (DataFormatException | RuntimeException ex) {
      return "histogram payload does not decode (" + ex.getClass().getSimpleName() + ")";
    }
  }

  private LatencyQuantiles result() {
    long[] values = new long[counts.size()];
    long[] perValue = new long[counts.size()];
    int i = 0;
    for (var e : counts.entrySet()) {
      values[i] = e.getKey();
      perValue[i++] = e.getValue();
    }
    return LatencyQuantiles.ofMicroCounts(values, perValue);
  }
}
