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
 * Reads recorded phone-agent sessions, format {@code capkit-sessions-v1}.
 *
 * <p>UTF-8 JSON Lines, one model call per line, blank lines skipped. Consecutive lines with the same
 * {@code task} are the steps of one session, in file order; a task that comes back after another
 * task's lines starts a new session. Fields (any other field is an error):
 * <ul>
 *   <li>{@code task} (string, required, not blank): the task given to the agent;</li>
 *   <li>{@code screenshot} (string, required): the step's screenshot, a PNG or JPEG file; a relative
 *       path is resolved against the folder of the sessions file; it must exist;</li>
 *   <li>{@code prompt} (string, required): the text sent with the screenshot (Open-AutoGLM: the task
 *       and {@code current_app} on the first step, {@code ** Screen Info **} on later ones);</li>
 *   <li>{@code think_ms} (integer 0..3600000, default 0): time after the answer before the next call
 *       (the action on the phone and the wait for the screen to settle);</li>
 *   <li>{@code max_tokens} (integer 1..1000000, default 3000, Open-AutoGLM's).</li>
 * </ul>
 * Every error is a {@link ScenarioException} naming {@code file:line} and the field.
 *
 * <pre>{@code
 * {"task": "Turn the brightness down", "screenshot": "shots/home.png", "prompt": "Turn the brightness down\n\n{\"current_app\": \"Settings\"}", "think_ms": 1800}
 * {"task": "Turn the brightness down", "screenshot": "shots/display.jpg", "prompt": "** Screen Info **\n\n{\"current_app\": \"Settings\"}", "think_ms": 1200, "max_tokens": 3000}
 * }</pre>
 */
public final class AgentSessionReader {
  /** The format name and version this reader implements. */
  public static final String FORMAT = "capkit-sessions-v1";
  /** {@code max_tokens} when a line gives none (Open-AutoGLM's client default). */
  public static final int DEFAULT_MAX_TOKENS = 3000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FIELDS = List.of("task", "screenshot", "prompt", "think_ms", "max_tokens");

  private AgentSessionReader() {}

  /** The sessions of {@code file}, in file order. */
  public static List<AgentSession> read(Path file) {
    Path folder = file.toAbsolutePath().getParent();
    List<AgentSession> out = new ArrayList<>();
    String task = null;
    List<SessionStep> steps = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String source = file + ":" + lineNo;
        JsonNode node = object(line, source);
        String lineTask = TraceFields.text(node, "task", source);
        if (lineTask.isBlank()) {
          throw new ScenarioException(source, "task", "is blank");
        }
        if (task != null && !task.equals(lineTask)) {
          out.add(new AgentSession(task, steps));
          steps = new ArrayList<>();
        }
        task = lineTask;
        steps.add(step(node, lineNo, folder, source));
      }
    } catch (IOException e) {
      throw new ScenarioException(file.toString(), "", "cannot read the sessions: " + e.getMessage());
    }
    if (task == null) {
      throw new ScenarioException(file.toString(), "", "the sessions file has no steps");
    }
    out.add(new AgentSession(task, steps));
    return out;
  }

  private static SessionStep step(JsonNode node, int lineNo, Path folder, String source) {
    String shot = TraceFields.text(node, "screenshot", source);
    Path screenshot = folder.resolve(shot).normalize();
    if (!Files.isRegularFile(screenshot)) {
      throw new ScenarioException(source, "screenshot", "'" + shot + "' does not exist (looked for " + screenshot + ")");
    }
    String prompt = TraceFields.text(node, "prompt", source);
    long think = node.has("think_ms") ? TraceFields.integer(node, "think_ms", 0, 3_600_000, source) : 0;
    int maxTokens = node.has("max_tokens")
        ? (int) TraceFields.integer(node, "max_tokens", 1, 1_000_000, source) : DEFAULT_MAX_TOKENS;
    return new SessionStep(lineNo, screenshot, prompt, think, maxTokens);
  }

  static JsonNode object(String line, String source) {
    return JsonLineObject.read(line, source, FORMAT, FIELDS);
  }
}
