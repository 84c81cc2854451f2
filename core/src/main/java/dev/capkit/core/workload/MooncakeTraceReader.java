package dev.capkit.core.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capkit.core.scenario.ScenarioException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Mooncake trace, format {@code mooncake-v1}: the public trace format of the Mooncake
 * FAST'25 release ({@code kvcache-ai/Mooncake}, {@code FAST25-release/traces/*.jsonl}), also read
 * by NVIDIA Dynamo's and AIPerf's trace replay.
 *
 * <p>UTF-8 JSON Lines, one request per line; blank lines are skipped. Each line is an object with
 * exactly these fields (any other field is an error, so a variant of the format is not half-read):
 * <ul>
 *   <li>{@code timestamp} (integer &gt;= 0, required): arrival time in milliseconds since the
 *       trace's first request; non-decreasing from line to line; several lines may share one;</li>
 *   <li>{@code input_length} (integer &gt;= 1, required): prompt tokens;</li>
 *   <li>{@code output_length} (integer &gt;= 1, required): answer tokens;</li>
 *   <li>{@code hash_ids} (array of integers &gt;= 0, optional, default empty): hashes of the
 *       prompt's consecutive {@value TraceRequest#BLOCK_TOKENS}-token blocks, the last block possibly
 *       partial, so at most ceil(input_length / 512) ids. Two requests with the same leading ids share
 *       that prefix.</li>
 * </ul>
 * Offsets are taken relative to the first line's timestamp. Every error is a
 * {@link ScenarioException} naming {@code file:line} and the field.
 *
 * <pre>{@code
 * {"timestamp": 0, "input_length": 6755, "output_length": 500, "hash_ids": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}
 * {"timestamp": 3052, "input_length": 2287, "output_length": 316, "hash_ids": [0, 42, 43, 44, 45]}
 * }</pre>
 */
public final class MooncakeTraceReader {
  /** The format name and version this reader implements. */
  public static final String FORMAT = "mooncake-v1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FIELDS = List.of("timestamp", "input_length", "output_length", "hash_ids");

  private MooncakeTraceReader() {}

  /** All requests of {@code file}, in file order. */
  public static List<TraceRequest> read(Path file) {
    List<TraceRequest> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long first = -1;
      long previous = -1;
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String source = file + ":" + lineNo;
        JsonNode node = parse(line, source);
        long timestamp = TraceFields.integer(node, "timestamp", 0, Long.MAX_VALUE, source);
        if (timestamp < previous) {
          throw new ScenarioException(source, "timestamp", "goes back in time: " + timestamp + " after " + previous
              + " (the trace must be sorted by timestamp)");
        }
        previous = timestamp;
        first = first < 0 ? timestamp : first;
        int input = (int) TraceFields.integer(node, "input_length", 1, Integer.MAX_VALUE, source);
        int output = (int) TraceFields.integer(node, "output_length", 1, Integer.MAX_VALUE, source);
        long[] hashIds = hashIds(node, input, source);
        out.add(new TraceRequest(lineNo, (timestamp - first) * 1000, input, output, hashIds, ""));
      }
    } catch (IOException e) {
      throw new ScenarioException(file.toString(), "", "cannot read the trace: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new ScenarioException(file.toString(), "", "the trace has no requests");
    }
    return out;
  }

  private static JsonNode parse(String line, String source) {
    return JsonLineObject.read(line, source, FORMAT, FIELDS);
  }

  private static long[] hashIds(JsonNode node, int input, String source) {
    JsonNode ids = node.get("hash_ids");
    if (ids == null || ids.isNull()) {
      return new long[0];
    }
    if (!ids.isArray()) {
      throw new ScenarioException(source, "hash_ids", "expected an array of integers, found " + ids);
    }
    int maxBlocks = (input + TraceRequest.BLOCK_TOKENS - 1) / TraceRequest.BLOCK_TOKENS;
    if (ids.size() > maxBlocks) {
      throw new ScenarioException(source, "hash_ids", ids.size() + " blocks of " + TraceRequest.BLOCK_TOKENS
          + " tokens exceed input_length " + input + " (at most " + maxBlocks + ")");
    }
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode id = ids.get(i);
      if (!id.canConvertToLong() || !id.isIntegralNumber() || id.asLong() < 0) {
        throw new ScenarioException(source, "hash_ids[" + i + "]", "expected an integer >= 0, found " + id);
      }
      out[i] = id.asLong();
    }
    return out;
  }
}
