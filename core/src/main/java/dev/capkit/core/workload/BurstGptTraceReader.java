package dev.capkit.core.workload;

import dev.capkit.core.scenario.ScenarioException;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a BurstGPT trace, format {@code burstgpt-v1}: the CSV files of the BurstGPT release
 * ({@code HPMLL/BurstGPT}, {@code data/BurstGPT_*.csv}; Azure OpenAI GPT-3.5/GPT-4 service logs).
 *
 * <p>UTF-8 CSV with a header line naming the columns (in any order; other columns are ignored):
 * <ul>
 *   <li>{@code Timestamp} (decimal seconds &gt;= 0): arrival time since the trace's start;
 *       non-decreasing from line to line;</li>
 *   <li>{@code Model} (text, e.g. {@code ChatGPT}, {@code GPT-4});</li>
 *   <li>{@code Request tokens} (integer &gt;= 0): prompt tokens;</li>
 *   <li>{@code Response tokens} (integer &gt;= 0): answer tokens; 0 marks a request that failed
 *       ({@code BurstGPT_1.csv} keeps them, {@code *_without_fails_*.csv} drops them);</li>
 *   <li>{@code Total tokens}, {@code Log Type} ({@code Conversation log} or {@code API log}):
 *       must be present, not used for replay.</li>
 * </ul>
 * Fields are plain (no quoting is needed by the release; surrounding double quotes are stripped).
 * Blank lines are skipped. Offsets are relative to the first row's timestamp. BurstGPT has no
 * prefix information, so {@link TraceRequest#hashIds()} is empty. Every error is a
 * {@link ScenarioException} naming {@code file:line} and the column.
 *
 * <pre>{@code
 * Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
 * 5,ChatGPT,472,18,490,Conversation log
 * 45,ChatGPT,1087,251,1338,Conversation log
 * }</pre>
 */
public final class BurstGptTraceReader {
  /** The format name and version this reader implements. */
  public static final String FORMAT = "burstgpt-v1";

  static final List<String> COLUMNS = List.of("Timestamp", "Model", "Request tokens", "Response tokens",
      "Total tokens", "Log Type");

  private BurstGptTraceReader() {}

  /** All requests of {@code file}, in file order. */
  public static List<TraceRequest> read(Path file) {
    List<TraceRequest> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        throw new ScenarioException(file.toString(), "", "empty file; expected a header " + String.join(",", COLUMNS));
      }
      List<String> names = Arrays.stream(split(header.replace("\uFEFF", ""))).map(String::strip).toList();
      int[] at = new int[COLUMNS.size()];
      for (int c = 0; c < at.length; c++) {
        at[c] = names.indexOf(COLUMNS.get(c));
        if (at[c] < 0) {
          throw new ScenarioException(file + ":1", COLUMNS.get(c), "column missing from the header " + names);
        }
      }
      long first = -1;
      long previous = -1;
      int lineNo = 1;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String source = file + ":" + lineNo;
        String[] cells = split(line);
        if (cells.length != names.size()) {
          throw new ScenarioException(source, "", cells.length + " columns, the header has " + names.size());
        }
        long micros = micros(cells[at[0]], source);
        if (micros < previous) {
          throw new ScenarioException(source, "Timestamp", cells[at[0]]
              + " is earlier than the row before (the trace must be sorted by Timestamp)");
        }
        previous = micros;
        first = first < 0 ? micros : first;
        int input = tokens(cells[at[2]], COLUMNS.get(2), source);
        int output = tokens(cells[at[3]], COLUMNS.get(3), source);
        tokens(cells[at[4]], COLUMNS.get(4), source);
        out.add(new TraceRequest(lineNo, micros - first, input, output, new long[0], cells[at[1]].strip()));
      }
    } catch (IOException e) {
      throw new ScenarioException(file.toString(), "", "cannot read the trace: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new ScenarioException(file.toString(), "", "the trace has no requests");
    }
    return out;
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i].strip();
      cells[i] = c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"") ? c.substring(1, c.length() - 1) : c;
    }
    return cells;
  }

  private static long micros(String cell, String source) {
    try {
      BigDecimal seconds = new BigDecimal(cell.strip());
      if (seconds.signum() < 0) {
        throw new ScenarioException(source, "Timestamp", "must be >= 0, got " + cell);
      }
      return seconds.movePointRight(6).longValue();
    } catch (NumberFormatException e) {
      throw new ScenarioException(source, "Timestamp", "expected seconds as a number, found '" + cell + "'");
    }
  }

  private static int tokens(String cell, String column, String source) {
    long value;
    try {
      value = new BigDecimal(cell.strip()).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ScenarioException(source, column, "expected a whole number of tokens, found '" + cell + "'");
    }
    return (int) TraceFields.range(value, column, 0, Integer.MAX_VALUE, source);
  }
}
