package dev.capkit.core.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What was measured. Never holds credentials: the API key is not part of a run.
 *
 * <pre>{@code
 * TargetInfo t = new TargetInfo("http://10.0.0.5:8000", "autoglm-phone-9b", "remote", "gn7i-c8g1.2xlarge", Map.of());
 * t.basis();        // "measured": a real server answered
 * t.faultHooks();   // "" unless emulator fault hooks (slowdown, brokenStreams) were on
 * }</pre>
 *
 * @param url      base URL requests went to
 * @param kind     {@code emulator} (capkit's emulator: embedded in-process, or the standalone one
 *                 {@code ./capkit split} starts) or {@code remote}
 * @param tier     instance tier id the measurement stands for (label given with {@code -Dcapkit.tier})
 * @param emulator emulator settings when {@code kind} is {@code emulator} (tier, dtype, profile, and
 *                 the fault hooks {@code slowdown}, {@code brokenStreams} when they were set), else empty
 * @param basis    what the run's figures are: {@value #MEASURED} (a real server answered) or
 *                 {@value #EMULATED} (capkit's emulator answered over HTTP, its timing a model).
 *                 Absent in runs written before it was recorded: derived from {@code kind} then.
 * @param access   how the target was reached (added to format v1, absent in older runs): {@code auth}
 *                 (header form and where the key came from, never the key), {@code trust} (TLS: JDK
 *                 defaults, a CA bundle, or the explicit insecure opt-in), {@code tls} (negotiated
 *                 protocol and cipher), {@code proxy}, {@code extraHeaders} (names only)
 * @param served   who served the run as the target said (added to format v1): {@code engine}
 *                 ({@code vllm}, {@code sglang}, {@code llama.cpp}, {@code tgi}, {@code capkit-emulator}
 *                 or {@code unknown}), {@code engineEvidence}, {@code model}, {@code server} header,
 *                 {@code ownedBy} from {@code /v1/models}, {@code metrics}, {@code processMetrics},
 *                 {@code promptLengths}, {@code outputLengths}
 */
public record TargetInfo(String url, String model, String kind, String tier, Map<String, String> emulator, String basis,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> access,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> served) {
  public static final String MEASURED = "measured";
  public static final String EMULATED = "emulated";
  public static final String KIND_EMULATOR = "emulator";

  public TargetInfo {
    if (basis == null) {
      basis = KIND_EMULATOR.equals(kind) ? EMULATED : MEASURED;
    }
    access = access == null ? Map.of() : access;
    served = served == null ? Map.of() : served;
  }

  /** A target with its basis, without access or served details (tests, older producers). */
  public TargetInfo(String url, String model, String kind, String tier, Map<String, String> emulator, String basis) {
    this(url, model, kind, tier, emulator, basis, Map.of(), Map.of());
  }

  /** The basis follows from the kind: {@code emulator} is emulated, anything else measured. */
  public TargetInfo(String url, String model, String kind, String tier, Map<String, String> emulator) {
    this(url, model, kind, tier, emulator, null, Map.of(), Map.of());
  }

  /** True when capkit's emulator answered (its figures are a model, not a measurement). */
  public boolean emulated() {
    return EMULATED.equals(basis);
  }

  /**
   * The emulator fault hooks that were on, as {@code "slowdown=1.2, brokenStreams=0.1"}; empty when
   * none (or the target is not the emulator). A run with fault hooks measures a deliberately broken
   * emulator: useful to test gates, never to plan capacity from.
   */
  public String faultHooks() {
    if (emulator == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    String slowdown = emulator.get("slowdown");
    if (slowdown != null && parse(slowdown) != 1.0) {
      b.append("slowdown=").append(slowdown);
    }
    String broken = emulator.get("brokenStreams");
    if (broken != null && parse(broken) != 0.0) {
      b.append(b.length() == 0 ? "" : ", ").append("brokenStreams=").append(broken);
    }
    return b.toString();
  }

  private static double parse(String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN; // an unreadable value counts as set: it is not the default
    }
  }
}
